"use client";
import { useQuery } from "@tanstack/react-query";
import { HeartPulse, Plus } from "lucide-react";
import { useState, type ReactNode } from "react";
import { PageHeader } from "@/components/app-shell/page-header";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/app-error";
import { useWorkspaceRole } from "@/lib/current-workspace";
import { useTRPC } from "@/trpc/client";
import { MonitorConfirmDialog, type MonitorAction } from "./monitor-confirm-dialog";
import { MonitorCreateDialog, MonitorEditDialog } from "./monitor-form-dialog";
import { STATE_LABELS, STATE_SEVERITY, type MonitorState } from "./monitor-format";
import { MonitorIncidents } from "./monitor-incidents";
import { MonitorRow } from "./monitor-row";
import { MonitorStateBadge } from "./monitor-state-badge";
import type { MonitorItem } from "./monitor-types";
import { useMonitorLive } from "./use-monitor-live";
import { useNow } from "./use-now";

/**
 * /dashboard/monitors: every monitor's state at a glance (worst first), then the incidents.
 * Updated live: a state change or a new event refetches both. Owners and admins create, edit,
 * pause, resume and delete; members see the same page read only.
 */
export function MonitorOverview({ appUrl }: { appUrl: string }) {
  const trpc = useTRPC();
  const { canManage } = useWorkspaceRole();
  const monitors = useQuery(trpc.monitor.list.queryOptions());
  const now = useNow(5000);
  useMonitorLive();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<MonitorItem | null>(null);
  const [confirming, setConfirming] = useState<{ monitor: MonitorItem; action: MonitorAction } | null>(null);

  const list = [...(monitors.data ?? [])].sort((a, b) => STATE_SEVERITY.indexOf(a.state) - STATE_SEVERITY.indexOf(b.state) || a.name.localeCompare(b.name));
  const empty = monitors.isSuccess && list.length === 0;

  const addButton = (
    <Button onClick={() => setCreating(true)}>
      <Plus aria-hidden /> Add monitor
    </Button>
  );

  return (
    <>
      <PageHeader title="Monitors" description="Heartbeats for jobs that should check in on time; thresholds for events that should stay within bounds.">
        {canManage && !empty && monitors.isSuccess ? addButton : null}
      </PageHeader>

      {!canManage ? (
        <p role="note" className="mb-4 rounded-lg border border-dashed px-4 py-3 text-sm text-muted-foreground" data-testid="monitors-read-only">
          The workspace&apos;s owners and admins create and change monitors. You see their state and incidents here.
        </p>
      ) : null}

      <section aria-label="Monitors" className="grid gap-6">
        {monitors.isPending ? (
          <div className="grid gap-3" role="status" aria-busy="true" aria-label="Loading monitors">
            <Skeleton className="h-9 w-64" />
            <Skeleton className="h-24 w-full rounded-xl" />
            <Skeleton className="h-24 w-full rounded-xl" />
          </div>
        ) : monitors.isError ? (
          <ErrorMessage>Your monitors could not load: {errorMessage(monitors.error)}</ErrorMessage>
        ) : empty ? (
          <EmptyState canManage={canManage} trigger={canManage ? addButton : null} />
        ) : (
          <>
            <StatusSummary states={list.map((m) => m.state)} />
            <Card className="overflow-hidden">
              <ul className="divide-y" aria-label="Monitors">
                {list.map((monitor) => (
                  <MonitorRow
                    key={monitor.id}
                    monitor={monitor}
                    now={now}
                    canManage={canManage}
                    onEdit={() => setEditing(monitor)}
                    onPause={() => setConfirming({ monitor, action: "pause" })}
                    onDelete={() => setConfirming({ monitor, action: "delete" })}
                  />
                ))}
              </ul>
            </Card>
          </>
        )}
        {monitors.isSuccess && !empty ? <MonitorIncidents now={now} /> : null}
      </section>

      {canManage ? <MonitorCreateDialog appUrl={appUrl} open={creating} onOpenChange={setCreating} /> : null}
      {editing ? <MonitorEditDialog monitor={editing} appUrl={appUrl} open onOpenChange={(open) => !open && setEditing(null)} /> : null}
      {confirming ? <MonitorConfirmDialog monitor={confirming.monitor} action={confirming.action} onClose={() => setConfirming(null)} /> : null}
    </>
  );
}

/** "2 Up · 1 Down · 1 Paused": how many monitors are in each state, worst first. */
function StatusSummary({ states }: { states: MonitorState[] }) {
  const counts = STATE_SEVERITY.map((state) => ({ state, count: states.filter((s) => s === state).length })).filter((c) => c.count > 0);
  const alerting = states.filter((s) => s === "down" || s === "over").length;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-2" data-testid="monitor-summary">
      <p className="text-sm font-medium" role="status">
        {alerting > 0 ? `${alerting} of ${states.length} ${states.length === 1 ? "monitor needs" : "monitors need"} attention` : "Nothing needs attention"}
      </p>
      <ul className="flex flex-wrap gap-1.5" aria-label="Monitors by state">
        {counts.map(({ state, count }) => (
          <li key={state}>
            <MonitorStateBadge state={state} label={`${count} ${state === "ok" ? "OK" : STATE_LABELS[state].toLowerCase()}`} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function EmptyState({ canManage, trigger }: { canManage: boolean; trigger: ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed bg-card/60 px-5 py-10 text-center sm:px-10 sm:py-14" data-testid="monitors-empty">
      <span className="mx-auto grid size-12 place-items-center rounded-xl bg-primary-soft text-primary-soft-foreground">
        <HeartPulse className="size-6" aria-hidden />
      </span>
      <h2 className="mt-5 text-lg font-semibold">No monitors yet</h2>
      <p className="mx-auto mt-2 max-w-lg text-sm leading-relaxed text-muted-foreground">
        A <strong className="font-medium text-foreground">heartbeat</strong> alerts you when a cron job or backup stops pinging. A <strong className="font-medium text-foreground">threshold</strong>{" "}
        alerts you when a category&apos;s events cross a bound — say, more than 10 failed payments in an hour.
        {canManage ? null : " The workspace's owners and admins create them."}
      </p>
      {trigger ? <div className="mt-6 flex justify-center">{trigger}</div> : null}
    </div>
  );
}
