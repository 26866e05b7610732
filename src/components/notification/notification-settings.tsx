"use client";
import { useQuery } from "@tanstack/react-query";
import { ErrorMessage } from "@/components/ui/form-messages";
import { SkeletonCards } from "@/components/ui/skeleton";
import { useTRPC } from "@/trpc/client";
import { NotificationChannelCard } from "./notification-channel-card";
import { errorMessage } from "@/lib/app-error";

/** Every notification channel, one card each, in the server's order. */
export function NotificationSettings() {
  const trpc = useTRPC();
  const channels = useQuery(trpc.notification.list.queryOptions());
  const categories = useQuery(trpc.category.list.queryOptions());

  return (
    <section aria-labelledby="notifications-heading">
      <div className="mb-5">
        <h2 id="notifications-heading" className="text-lg font-semibold tracking-tight">
          Notifications
        </h2>
        <p className="mt-1 text-sm text-muted-foreground">Where PingPilot tells you about new events. Turn on any channels you like, send a test, and choose which categories each one gets.</p>
      </div>
      {channels.isPending ? (
        <SkeletonCards
          className="grid gap-6"
          cardClassName="p-6"
          aria-busy="true"
          aria-label="Loading notification channels"
          bars={["h-5 w-40", "mt-3 h-4 w-72 max-w-full", "mt-6 h-9 w-full max-w-md"]}
        />
      ) : channels.isError ? (
        <ErrorMessage>Your notification settings could not load: {errorMessage(channels.error)}</ErrorMessage>
      ) : (
        <div className="grid gap-6">
          {channels.data.map((setting) => (
            <NotificationChannelCard key={setting.channel} setting={setting} categories={categories.data} categoriesError={categories.error?.message ?? null} />
          ))}
        </div>
      )}
    </section>
  );
}
