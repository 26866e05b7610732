"use client";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { useCurrentUser } from "@/lib/current-user";

/** Email goes to the account address; it must be verified first. */
export function NotificationEmailStatus() {
  const { user } = useCurrentUser();
  if (!user) return null;
  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted-foreground">Sent to</span>
        <span className="min-w-0 font-medium break-all" data-testid="notification-email">
          {user.email}
        </span>
        {user.emailVerified ? <Badge variant="success">Verified</Badge> : <Badge variant="warning">Not verified</Badge>}
      </div>
      {user.emailVerified ? null : (
        <p className="text-xs text-muted-foreground">
          Verify your email to turn this on: follow the link we sent you, or ask for a new one in{" "}
          <Link href="/dashboard/settings/profile" className="font-medium text-primary-soft-foreground underline-offset-4 hover:underline">
            Profile
          </Link>
          . An address can be changed once it is verified.
        </p>
      )}
    </div>
  );
}
