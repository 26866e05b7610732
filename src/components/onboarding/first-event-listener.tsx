"use client";
import { useQueryClient } from "@tanstack/react-query";
import { ArrowRight, PartyPopper } from "lucide-react";
import Link from "next/link";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/lib/format-time";
import { useLiveEvents } from "@/lib/use-live-events";
import { useTRPC } from "@/trpc/client";
import { WaitingForEvent } from "@/components/snippet/waiting-for-event";

type Arrived = { eventId: string; category: string; createdAt: string };

/** /welcome: listens live until the first event arrives, then links to the dashboard and the event. */
export function FirstEventListener() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [arrived, setArrived] = useState<Arrived | null>(null);
  const openedAt = useRef(new Date().toISOString());

  const connected = useLiveEvents(
    (message) => {
      if (message.type !== "event.created") return;
      setArrived((current) => current ?? { eventId: message.eventId, category: message.category, createdAt: message.createdAt });
    },
    {
      // An event sent before the stream (re)connected is not replayed: look for one since the page opened.
      onReady: () => {
        void queryClient.fetchQuery({ ...trpc.event.list.queryOptions({ limit: 1 }), staleTime: 0 }).then(
          ({ data }) => {
            const latest = data[0];
            if (latest && latest.createdAt >= openedAt.current) {
              setArrived((current) => current ?? { eventId: latest.id, category: latest.category, createdAt: latest.createdAt });
            }
          },
          () => undefined,
        );
      },
    },
  );

  if (!arrived) return <WaitingForEvent connected={connected} className="mt-5" />;

  return (
    <div role="status" data-testid="first-event-received" className="mt-5 rounded-lg border border-success-border bg-success-soft px-4 py-4 text-sm text-success-soft-foreground">
      <div className="flex items-start gap-3">
        <PartyPopper className="mt-0.5 size-5 shrink-0" aria-hidden />
        <div className="min-w-0 flex-1">
          <p className="font-semibold">Your first event arrived!</p>
          <p className="mt-1 text-foreground">
            Category{" "}
            <span className="font-mono font-medium" data-testid="first-event-category">
              {arrived.category}
            </span>
            , received <time dateTime={arrived.createdAt}>{formatDateTime(arrived.createdAt)}</time>.
          </p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button asChild size="sm">
              <Link href="/dashboard">
                Open the dashboard <ArrowRight aria-hidden />
              </Link>
            </Button>
            <Button asChild size="sm" variant="secondary">
              <Link href={`/dashboard/events/${arrived.eventId}`}>View the event</Link>
            </Button>
          </div>
        </div>
      </div>
    </div>
  );
}
