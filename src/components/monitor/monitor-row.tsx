"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { HeartPulse, LoaderCircle, Pause, Pencil, Play, Trash2, TrendingUp } from "lucide-react";
import Link from "next/link";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/app-error";
import { formatSum } from "@/lib/format-number";
import { formatDateTime } from "@/lib/format-time";
import { cn } from "@/lib/utils";
import { useTRPC } from "@/trpc/client";
import { describeMonitor, formatDuration, formatRelative, isAlerting, STATE_VARIANT } from "./monitor-format";
import { MonitorStateBadge } from "./monitor-state-badge";
import type { MonitorItem } from "./monitor-types";

const ICON_TONE = {
  success: "bg-success-soft text-success-soft-foreground",
  warning: "bg-warning-soft text-warning-soft-foreground",
  destructive: "bg-destructive-soft text-destructive-soft-foreground",
  neutral: "bg-muted text-muted-foreground",
} as const;

/**
 * One monitor: what it watches, its state, the next check and the last incident; owners and
 * admins also get Edit, Pause/Resume and Delete (the last two confirmed by the caller's dialogs).
 */
export function MonitorRow({
  monitor,
  now,
  canManage,
  onEdit,
  onPause,
  onDelete,
}: {
  monitor: MonitorItem;
  now: number;
  canManage: boolean;
  onEdit: () => void;
  onPause: () => void;
  onDelete: () => void;
}) {
  const Icon = monitor.kind === "heartbeat" ? HeartPulse : TrendingUp;
  const paused = monitor.state === "paused";
  const incident = monitor.lastIncident;
  const open = incident && !incident.endedAt;
  const headingId = `monitor-${monitor.id}`;

  return (
    <li
      data-testid="monitor-row"
      data-monitor={monitor.name}
      data-state={monitor.state}
      aria-labelledby={headingId}
      className={cn("flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:gap-4 sm:px-5", isAlerting(monitor.state) && "bg-destructive-soft/40")}
    >
      <div className="flex min-w-0 flex-1 gap-3">
        <span className={cn("grid size-9 shrink-0 place-items-center rounded-lg", ICON_TONE[STATE_VARIANT[monitor.state]])}>
          <Icon className="size-4" aria-hidden />
          <span className="sr-only">{monitor.kind === "heartbeat" ? "Heartbeat" : "Threshold"}</span>
        </span>
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span id={headingId} className={cn("min-w-0 text-sm font-medium break-words", paused && "text-muted-foreground")}>
              {monitor.name}
            </span>
            <MonitorStateBadge state={monitor.state} />
          </p>
          <p className="mt-1 text-xs text-muted-foreground">
            <Link href={`/dashboard/category/${encodeURIComponent(monitor.categoryName)}`} className="font-mono text-foreground underline-offset-4 hover:underline">
              {monitor.categoryName}
            </Link>
            <span aria-hidden> · </span>
            {describeMonitor(monitor.kind, monitor.config)}
          </p>
          <p className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-muted-foreground">
            {monitor.kind === "heartbeat" ? (
              <span>
                {monitor.lastEventAt ? (
                  <>
                    Last ping{" "}
                    <time dateTime={monitor.lastEventAt} title={formatDateTime(monitor.lastEventAt)}>
                      {formatRelative(monitor.lastEventAt, now)}
                    </time>
                  </>
                ) : (
                  "No ping yet"
                )}
              </span>
            ) : monitor.lastValue !== null && !paused ? (
              <span data-testid="monitor-value">
                Now <span className="font-mono text-foreground tabular-nums">{formatSum(monitor.lastValue)}</span>
              </span>
            ) : null}
            <span data-testid="monitor-next-check">
              {paused ? (
                "Not checked while paused"
              ) : monitor.nextCheckAt ? (
                <>
                  Next check{" "}
                  <time dateTime={monitor.nextCheckAt} title={formatDateTime(monitor.nextCheckAt)}>
                    {formatRelative(monitor.nextCheckAt, now)}
                  </time>
                </>
              ) : (
                "No check scheduled"
              )}
            </span>
            <span data-testid="monitor-last-incident" className={cn(open && "font-medium text-destructive-soft-foreground")}>
              {!incident ? (
                "No incidents"
              ) : open ? (
                <>
                  Incident open since{" "}
                  <time dateTime={incident.startedAt} title={formatDateTime(incident.startedAt)}>
                    {formatRelative(incident.startedAt, now)}
                  </time>
                </>
              ) : (
                <>
                  Last incident{" "}
                  <time dateTime={incident.startedAt} title={formatDateTime(incident.startedAt)}>
                    {formatRelative(incident.startedAt, now)}
                  </time>
                  , lasted {formatDuration((new Date(incident.endedAt!).getTime() - new Date(incident.startedAt).getTime()) / 1000)}
                </>
              )}
            </span>
          </p>
        </div>
      </div>
      {canManage ? (
        <div className="flex flex-wrap gap-2 sm:flex-nowrap">
          <Button variant="secondary" size="sm" onClick={onEdit}>
            <Pencil aria-hidden /> Edit<span className="sr-only"> {monitor.name}</span>
          </Button>
          {paused ? (
            <ResumeButton monitor={monitor} />
          ) : (
            <Button variant="secondary" size="sm" onClick={onPause}>
              <Pause aria-hidden /> Pause<span className="sr-only"> {monitor.name}</span>
            </Button>
          )}
          <Button variant="secondary" size="sm" className="text-destructive-soft-foreground" onClick={onDelete}>
            <Trash2 aria-hidden /> Delete<span className="sr-only"> {monitor.name}</span>
          </Button>
        </div>
      ) : null}
    </li>
  );
}

/** Resuming only starts checking again, so it needs no confirmation. */
function ResumeButton({ monitor }: { monitor: MonitorItem }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const resume = useMutation(
    trpc.monitor.resume.mutationOptions({
      onSuccess: async () => {
        toast.success(`Monitor “${monitor.name}” resumed`);
        await queryClient.invalidateQueries(trpc.monitor.list.pathFilter());
      },
      onError: (error) => toast.error(`Could not resume “${monitor.name}”: ${errorMessage(error)}`),
    }),
  );
  return (
    <Button variant="secondary" size="sm" disabled={resume.isPending} onClick={() => resume.mutate({ id: monitor.id })}>
      {resume.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <Play aria-hidden />} Resume<span className="sr-only"> {monitor.name}</span>
    </Button>
  );
}
