"use client";
import { useQuery } from "@tanstack/react-query";
import { CircleCheck } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/app-error";
import { formatDateTime } from "@/lib/format-time";
import { cn } from "@/lib/utils";
import { useTRPC } from "@/trpc/client";
import { formatDuration } from "./monitor-format";
import type { IncidentItem } from "./monitor-types";

const RESOLUTION: Record<NonNullable<IncidentItem["resolution"]>, string> = { recovered: "Recovered", paused: "Ended by pause", reset: "Ended by a change" };

/** Every incident of the workspace's monitors, newest first; open ones on top and highlighted, their duration still running. */
export function MonitorIncidents({ now }: { now: number }) {
  const trpc = useTRPC();
  const incidents = useQuery(trpc.monitor.incidents.queryOptions({}));
  const list = [...(incidents.data ?? [])].sort((a, b) => Number(b.endedAt === null) - Number(a.endedAt === null) || b.startedAt.localeCompare(a.startedAt));
  const openCount = list.filter((i) => i.endedAt === null).length;

  return (
    <Card className="min-w-0">
      <CardHeader>
        <CardTitle id="incidents-heading">Incidents</CardTitle>
        <CardDescription>{openCount > 0 ? `${openCount} open — ` : ""}A missed ping or a crossed threshold opens one; the next good ping or window closes it.</CardDescription>
      </CardHeader>
      <CardContent>
        {incidents.isPending ? (
          <Skeleton className="h-32 w-full rounded-lg" />
        ) : incidents.isError ? (
          <ErrorMessage>The incidents could not load: {errorMessage(incidents.error)}</ErrorMessage>
        ) : list.length === 0 ? (
          <p className="flex items-center gap-2 rounded-lg border border-dashed px-4 py-6 text-sm text-muted-foreground" data-testid="incidents-empty">
            <CircleCheck className="size-4 text-success-soft-foreground" aria-hidden /> No incidents yet.
          </p>
        ) : (
          <div className="overflow-hidden rounded-lg border">
            <div className="hidden grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,1fr)_6rem] gap-3 bg-muted/60 px-3 py-2 text-xs font-medium text-muted-foreground sm:grid" aria-hidden>
              <span>Monitor</span>
              <span>Started</span>
              <span>Ended</span>
              <span className="text-right">Duration</span>
            </div>
            <ul className="divide-y" aria-labelledby="incidents-heading">
              {list.map((incident) => (
                <IncidentRow key={incident.id} incident={incident} now={now} />
              ))}
            </ul>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

function IncidentRow({ incident, now }: { incident: IncidentItem; now: number }) {
  const open = incident.endedAt === null;
  const duration = incident.durationSeconds ?? (open ? (now - new Date(incident.startedAt).getTime()) / 1000 : null);
  return (
    <li
      data-testid="incident-row"
      data-open={open}
      data-monitor={incident.monitorName}
      className={cn(
        "grid gap-1 px-3 py-2.5 text-sm sm:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,1fr)_6rem] sm:items-center sm:gap-3",
        open && "border-l-2 border-l-destructive bg-destructive-soft/60",
      )}
    >
      <div className="min-w-0">
        <p className="flex flex-wrap items-center gap-2 font-medium">
          <span className="break-words">{incident.monitorName}</span>
          {open ? <Badge variant="destructive">Open</Badge> : <Badge variant={incident.resolution === "recovered" ? "success" : "neutral"}>{RESOLUTION[incident.resolution ?? "recovered"]}</Badge>}
        </p>
        <p className="mt-0.5 text-xs break-words text-muted-foreground">{incident.reason}</p>
      </div>
      {/* Below 640 px the times share one line under the name; above, each is a column. */}
      <div className="flex flex-wrap gap-x-3 text-xs text-muted-foreground sm:contents sm:text-sm sm:text-foreground">
        <p>
          <span className="sm:sr-only">Started </span>
          <time dateTime={incident.startedAt}>{formatDateTime(incident.startedAt)}</time>
        </p>
        <p data-testid="incident-ended">
          {open ? (
            <span className="font-medium text-destructive-soft-foreground">Still open</span>
          ) : (
            <>
              <span className="sm:sr-only">Ended </span>
              <time dateTime={incident.endedAt!}>{formatDateTime(incident.endedAt!)}</time>
            </>
          )}
        </p>
        <p className="tabular-nums sm:text-right" data-testid="incident-duration">
          <span className="sm:sr-only">{open ? "For " : "Lasted "}</span>
          {duration === null ? "—" : formatDuration(duration)}
          {open ? <span className="sr-only"> so far</span> : null}
        </p>
      </div>
    </li>
  );
}
