"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableContainer, TableHead, TableHeader } from "@/components/ui/table";
import { errorMessage } from "@/lib/app-error";
import { formatNumber } from "@/lib/format-number";
import { formatDateTime } from "@/lib/format-time";
import { cn } from "@/lib/utils";
import { CHANNEL_LABELS } from "@/shared/notification";
import { useTRPC } from "@/trpc/client";
import { formatAge } from "./admin-format";

const channelLabel = (channel: string) => (CHANNEL_LABELS as Record<string, string>)[channel] ?? channel;

const shortTime = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });

/** A delivery that has waited this long means the worker is not keeping up (or not running). */
const SLOW_SECONDS = 10 * 60;

/** The instance at a glance, refreshed every 30 seconds: events today, the delivery queue per channel, accounts. */
export function AdminHealth() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.admin.health.queryOptions(), refetchInterval: 30_000 });

  if (health.isPending) {
    return (
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" role="status" aria-busy="true" aria-label="Loading instance health">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-24" />
        ))}
      </div>
    );
  }
  if (health.isError) return <ErrorMessage>The instance health could not load: {errorMessage(health.error)}</ErrorMessage>;

  const h = health.data;
  const d = h.deliveries;
  const slow = d.oldestPendingAgeSeconds !== null && d.oldestPendingAgeSeconds >= SLOW_SECONDS;
  return (
    <div className="grid gap-4">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="Events today" value={formatNumber(h.eventsToday)} hint="since 00:00 UTC" />
        <Stat label="Deliveries waiting" value={formatNumber(d.pending)} hint={`${formatNumber(d.retrying)} retrying`} />
        <Stat label="Failed, last 24 h" value={formatNumber(d.failed24h)} hint="gave up retrying" tone={d.failed24h > 0 ? "warning" : undefined} />
        <Stat
          label="Oldest waiting"
          value={d.oldestPendingAgeSeconds === null ? "—" : formatAge(d.oldestPendingAgeSeconds)}
          hint={d.oldestPendingAt ? `since ${shortTime.format(new Date(d.oldestPendingAt))}` : "nothing waits"}
          tone={slow ? "warning" : undefined}
        />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Deliveries per channel</CardTitle>
          <CardDescription>
            {formatNumber(h.users.total)} {h.users.total === 1 ? "account" : "accounts"} ({formatNumber(h.users.suspended)} suspended) in {formatNumber(h.workspaces)}{" "}
            {h.workspaces === 1 ? "workspace" : "workspaces"}. Updated {formatDateTime(h.at)}.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {d.channels.length === 0 ? (
            <p className="text-sm text-muted-foreground">No delivery is waiting, and none failed in the last 24 hours.</p>
          ) : (
            <TableContainer className="overflow-x-auto">
              <Table data-testid="admin-channels">
                <TableHeader>
                  <tr>
                    <TableHead>Channel</TableHead>
                    <TableHead className="text-right">Waiting</TableHead>
                    <TableHead className="text-right">Retrying</TableHead>
                    <TableHead className="text-right">Failed, 24 h</TableHead>
                  </tr>
                </TableHeader>
                <TableBody>
                  {d.channels.map((c) => (
                    <tr key={c.channel}>
                      <TableCell className="font-medium">{channelLabel(c.channel)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatNumber(c.pending)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatNumber(c.retrying)}</TableCell>
                      <TableCell className={cn("text-right tabular-nums", c.failed24h > 0 && "text-warning-soft-foreground")}>{formatNumber(c.failed24h)}</TableCell>
                    </tr>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

function Stat({ label, value, hint, tone }: { label: string; value: ReactNode; hint: string; tone?: "warning" }) {
  return (
    <div className={cn("min-w-0 rounded-xl border bg-card p-4 shadow-xs", tone === "warning" && "border-warning-border bg-warning-soft")}>
      <p className={cn("text-xs font-medium text-muted-foreground", tone === "warning" && "text-warning-soft-foreground")}>{label}</p>
      <p className="mt-1 text-2xl font-semibold tracking-tight tabular-nums">{value}</p>
      <p className={cn("mt-1 truncate text-xs text-muted-foreground", tone === "warning" && "text-warning-soft-foreground")} title={hint}>
        {hint}
      </p>
    </div>
  );
}
