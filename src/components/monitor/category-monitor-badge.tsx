"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { cn } from "@/lib/utils";
import { useTRPC } from "@/trpc/client";
import { STATE_SHORT, worstState } from "./monitor-format";
import { MonitorStateBadge } from "./monitor-state-badge";

/**
 * "Monitor: up" on a category's card and page, linking to the Monitors page; several monitors
 * are summed up by the worst state ("Monitors: 1 down"). Nothing when the category has none.
 * Every card reads the same monitor.list query, so the page fetches it once.
 */
export function CategoryMonitorBadge({ categoryId, className }: { categoryId: string | undefined; className?: string }) {
  const trpc = useTRPC();
  const monitors = useQuery({ ...trpc.monitor.list.queryOptions(), retry: 1 });
  const mine = (monitors.data ?? []).filter((m) => m.categoryId === categoryId);
  const worst = worstState(mine.map((m) => m.state));
  if (!categoryId || !worst) return null;

  const label =
    mine.length === 1
      ? `Monitor: ${STATE_SHORT[worst].toLowerCase()}`
      : `Monitors: ${mine.every((m) => m.state === worst) ? `all ${STATE_SHORT[worst].toLowerCase()}` : `${mine.filter((m) => m.state === worst).length} ${STATE_SHORT[worst].toLowerCase()}`}`;
  const names = mine.map((m) => `${m.name}: ${STATE_SHORT[m.state].toLowerCase()}`).join(", ");

  return (
    <Link
      href="/dashboard/monitors"
      data-testid="category-monitor-badge"
      data-state={worst}
      aria-label={`${label} (${names}). Open Monitors`}
      className={cn("relative z-10 inline-flex rounded-full outline-none hover:opacity-85 focus-visible:ring-2 focus-visible:ring-ring", className)}
    >
      <MonitorStateBadge state={worst} label={label} title={names} />
    </Link>
  );
}
