"use client";
import { useQueryClient } from "@tanstack/react-query";
import { LoaderCircle } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { authErrorMessage } from "@/components/auth/auth-error";
import { ErrorMessage, SuccessMessage } from "@/components/ui/form-messages";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { useCurrentUser } from "@/lib/current-user";
import { useTRPC } from "@/trpc/client";

export function ProfileSection() {
  const { user } = useCurrentUser();
  if (!user) return null;
  return (
    <div className="grid gap-6">
      <NameForm currentName={user.name} />
      <EmailForm currentEmail={user.email} verified={user.emailVerified} />
    </div>
  );
}

/** Re-reads the user everywhere it is shown: the client cache and the server-rendered shell. */
function useRefreshUser() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  return async () => {
    await queryClient.invalidateQueries(trpc.user.me.queryFilter());
    router.refresh();
  };
}

function NameForm({ currentName }: { currentName: string }) {
  const [name, setName] = useState(currentName);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refreshUser = useRefreshUser();

  async function saveName(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const trimmed = name.trim();
    if (!trimmed) {
      setError("Enter a name.");
      return;
    }
    setPending(true);
    const { error } = await authClient.updateUser({ name: trimmed });
    setPending(false);
    if (error) {
      setError(authErrorMessage(error, "We could not save your name. Please try again."));
      return;
    }
    toast.success("Name updated");
    await refreshUser();
  }

  return (
    <Card>
      <form onSubmit={saveName}>
        <CardHeader>
          <CardTitle>Name</CardTitle>
          <CardDescription>Shown in the app and in the emails PingPilot sends you.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {error ? <ErrorMessage>{error}</ErrorMessage> : null}
          <div className="max-w-sm">
            <FormField id="profile-name" label="Name">
              <Input id="profile-name" name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
            </FormField>
          </div>
        </CardContent>
        <CardFooter className="justify-end">
          <Button type="submit" disabled={pending || name.trim() === currentName}>
            {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Save name
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

function EmailForm({ currentEmail, verified }: { currentEmail: string; verified: boolean }) {
  const [email, setEmail] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function changeEmail(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setSentTo(null);
    const newEmail = email.trim();
    if (newEmail.toLowerCase() === currentEmail.toLowerCase()) {
      setError("That is already your email address.");
      return;
    }
    setPending(true);
    const { error } = await authClient.changeEmail({ newEmail, callbackURL: "/dashboard/settings/profile" });
    setPending(false);
    if (error) {
      setError(authErrorMessage(error, "We could not start the email change. Please try again."));
      return;
    }
    setSentTo(newEmail);
    setEmail("");
    toast.success("Confirmation link sent");
  }

  return (
    <Card>
      <form onSubmit={changeEmail}>
        <CardHeader>
          <CardTitle>Email</CardTitle>
          <CardDescription>Where sign-in links, password resets and email notifications go.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-muted-foreground">Current email:</span>
            <span className="min-w-0 font-medium break-all" data-testid="current-email">
              {currentEmail}
            </span>
            {verified ? <Badge variant="success">Verified</Badge> : <Badge variant="warning">Not verified</Badge>}
          </div>
          {!verified ? <p className="text-sm text-muted-foreground">Follow the link in the verification email we sent you. Email notifications start once it is verified.</p> : null}
          {error ? <ErrorMessage>{error}</ErrorMessage> : null}
          {sentTo ? (
            <SuccessMessage>
              To keep your account safe, we sent a confirmation link to your current address, {currentEmail}. Once you follow it, {sentTo} gets a link to verify; your email changes when that one is
              followed.
            </SuccessMessage>
          ) : null}
          <div className="max-w-sm">
            <FormField id="new-email" label="New email">
              <Input id="new-email" name="email" type="email" autoComplete="email" inputMode="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </FormField>
          </div>
        </CardContent>
        <CardFooter className="justify-end">
          <Button type="submit" disabled={pending || !email.trim()}>
            {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Change email
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
