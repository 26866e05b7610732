"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { LoaderCircle, RotateCw } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";
import { toast } from "sonner";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Button } from "@/components/ui/button";
import { formatRelativePrecise, formatTimeExact } from "@/lib/format-precise-time";
import { CHANNEL_LABELS } from "@/shared/notification";
import { useTRPC } from "@/trpc/client";
import { DeliveryStatusBadge, type DeliveryStatus } from "./event-status-badge";
import { errorMessage } from "@/lib/app-error";
import { useWorkspaceRole } from "@/lib/current-workspace";

export type DeliveryItem = {
  id: string;
  channel: string;
  /** The member a personal channel's delivery is for; null for a workspace destination. */
  recipientId: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
};

const labelOf = (channel: string) => (CHANNEL_LABELS as Record<string, string>)[channel] ?? channel;

/**
 * Every delivery of the event — one per workspace destination, one per member and personal
 * channel — with status, attempts, last error and times; owners and admins get "Retry now" on failures.
 */
export function EventDeliveryList({ eventId, deliveries }: { eventId: string; deliveries: DeliveryItem[] }) {
  const trpc = useTRPC();
  const { canManage } = useWorkspaceRole();
  // Personal deliveries name their member; the list is the workspace's, so every member may read it.
  const personal = deliveries.some((d) => d.recipientId);
  const members = useQuery({ ...trpc.workspace.members.queryOptions(), enabled: personal });
  const recipientName = (id: string | null) => {
    if (!id || !members.data) return null;
    const member = members.data.find((m) => m.userId === id);
    return member ? (member.isYou ? "you" : member.name) : "a former member";
  };
  const counting = deliveries.some((d) => d.nextAttemptAt);
  // Refetches return identical data between attempts, so a clock keeps "in 25 sec." counting down.
  const [, setNow] = useState(0);
  useEffect(() => {
    if (!counting) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [counting]);

  return (
    <ul className="divide-y rounded-lg border" aria-label="Deliveries">
      {deliveries.map((delivery) => (
        <DeliveryRow key={delivery.id} eventId={eventId} delivery={delivery} recipient={recipientName(delivery.recipientId)} canRetry={canManage} />
      ))}
    </ul>
  );
}

function DeliveryRow({ eventId, delivery: d, recipient, canRetry }: { eventId: string; delivery: DeliveryItem; recipient: string | null; canRetry: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const retry = useMutation(
    trpc.delivery.retry.mutationOptions({
      onSuccess: async () => {
        toast.success(`Retrying ${labelOf(d.channel)}`);
        await queryClient.invalidateQueries({ queryKey: trpc.event.get.queryKey({ id: eventId }) });
      },
    }),
  );

  return (
    <li className="grid min-w-0 gap-3 p-4" data-testid="delivery" data-channel={d.channel} data-status={d.status} data-recipient={d.recipientId ?? "workspace"}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h3 className="min-w-0 text-sm font-semibold">
          {labelOf(d.channel)}
          {recipient ? <span className="font-normal text-muted-foreground"> · to {recipient}</span> : null}
        </h3>
        <DeliveryStatusBadge status={d.status} retrying={d.status === "PENDING" && d.attempts > 0} />
        {d.status === "FAILED" && canRetry ? (
          <Button variant="secondary" size="sm" className="ml-auto" disabled={retry.isPending} onClick={() => retry.mutate({ id: d.id })}>
            {retry.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <RotateCw aria-hidden />}
            Retry now
          </Button>
        ) : null}
      </div>

      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4">
        <Detail label="Attempts" testId="delivery-attempts">
          <span className="tabular-nums">{d.attempts}</span>
        </Detail>
        <Detail label="Last status code" testId="delivery-status-code">
          {d.lastStatusCode ?? <Muted>—</Muted>}
        </Detail>
        <Detail label="Next attempt" testId="delivery-next-attempt">
          {d.nextAttemptAt ? <NextAttempt value={d.nextAttemptAt} /> : <Muted>—</Muted>}
        </Detail>
        <Detail label="Delivered" testId="delivery-delivered-at">
          {d.deliveredAt ? (
            <time dateTime={d.deliveredAt} className="font-normal">
              {formatTimeExact(d.deliveredAt)}
            </time>
          ) : (
            <Muted>—</Muted>
          )}
        </Detail>
      </dl>

      {d.lastError ? (
        <div className="grid gap-1">
          <p className="text-xs text-muted-foreground">Last error</p>
          <pre className="max-h-48 overflow-y-auto rounded-md border bg-muted px-3 py-2 font-mono text-xs leading-relaxed whitespace-pre-wrap [overflow-wrap:anywhere]" data-testid="delivery-error">
            {d.lastError}
          </pre>
        </div>
      ) : null}

      {retry.isError ? <ErrorMessage>{errorMessage(retry.error)}</ErrorMessage> : null}
    </li>
  );
}

function Detail({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="mt-0.5 font-medium [overflow-wrap:anywhere]" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function Muted({ children }: { children: ReactNode }) {
  return <span className="font-normal text-muted-foreground">{children}</span>;
}

/** When the next attempt is due, counting down; once due it waits for the worker, not "3 sec. ago". */
function NextAttempt({ value }: { value: string }) {
  const overdue = new Date(value).getTime() <= Date.now();
  return (
    <time dateTime={value} className="grid">
      <span>{overdue ? "Due now" : formatRelativePrecise(value)}</span>
      <span className="text-xs font-normal text-muted-foreground">{formatTimeExact(value)}</span>
    </time>
  );
}
