"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatNumber } from "@/lib/format-number";
import { PLANS } from "@/shared/plans";
import { formatDate } from "@/lib/format-time";
import { cn } from "@/lib/utils";
import { useTRPC } from "@/trpc/client";
import { errorMessage } from "@/lib/app-error";
import { hasLiveSubscription, PLAN_LABEL as PLAN_NAMES, plansAbove, useBillingStatus } from "@/components/billing/use-billing";

export function useQuota() {
  const trpc = useTRPC();
  return useQuery(trpc.quota.get.queryOptions());
}

const PLAN_LABEL = { FREE: "Free", PRO: "Pro", ENTERPRISE: "Enterprise" } as const;

/** Events used this month against the plan's limit, and categories used. */
export function UsageCard({ showPlan = false, linkToUsage = false, className }: { showPlan?: boolean; linkToUsage?: boolean; className?: string }) {
  const quota = useQuota();

  if (quota.isPending) {
    return (
      <Card className={cn("p-5", className)} aria-busy="true" aria-label="Loading usage">
        <Skeleton className="h-4 w-40" />
        <Skeleton className="mt-3 h-2 w-full" />
        <Skeleton className="mt-3 h-3 w-56 max-w-full" />
      </Card>
    );
  }
  if (quota.isError) return <ErrorMessage>Usage could not load: {errorMessage(quota.error)}</ErrorMessage>;

  const { plan, events, categories } = quota.data;
  const ratio = events.limit > 0 ? Math.min(1, events.used / events.limit) : 0;
  const tone = ratio >= 1 ? "bg-destructive" : ratio >= 0.8 ? "bg-amber-500" : "bg-primary";

  return (
    <Card className={cn("p-5", className)} data-testid="usage-card">
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-4">
        <div className="min-w-0 flex-1 basis-64">
          <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
            <h2 className="flex items-center gap-2 text-sm font-medium">
              Events this month
              {showPlan ? <Badge variant="accent">{PLAN_LABEL[plan]} plan</Badge> : null}
            </h2>
            <p className="text-sm tabular-nums">
              <span className="font-semibold" data-testid="events-used">
                {formatNumber(events.used)}
              </span>
              <span className="text-muted-foreground"> / {formatNumber(events.limit)}</span>
            </p>
          </div>
          <div
            role="progressbar"
            aria-label="Events used this month"
            aria-valuemin={0}
            aria-valuemax={events.limit}
            aria-valuenow={Math.min(events.used, events.limit)}
            aria-valuetext={`${formatNumber(events.used)} of ${formatNumber(events.limit)} events`}
            className="mt-3 h-2 overflow-hidden rounded-full bg-muted"
          >
            <div className={cn("h-full rounded-full transition-[width]", tone)} style={{ width: `${Math.max(ratio * 100, events.used > 0 ? 1 : 0)}%` }} />
          </div>
          <p className="mt-2 text-xs text-muted-foreground">
            {events.remaining > 0 ? `${formatNumber(events.remaining)} left` : "Limit reached — new events are refused with 429"} · resets{" "}
            <time dateTime={events.resetsAt}>{formatDate(events.resetsAt)}</time>
          </p>
          {events.remaining === 0 ? <QuotaUpgrade /> : null}
        </div>
        <div className="shrink-0 sm:border-l sm:pl-6">
          <h2 className="text-sm font-medium">Categories</h2>
          <p className="mt-1 text-sm tabular-nums">
            <span className="font-semibold" data-testid="categories-used">
              {formatNumber(categories.used)}
            </span>
            <span className="text-muted-foreground"> / {formatNumber(categories.limit)}</span>
          </p>
          {linkToUsage ? (
            <Link href="/dashboard/usage" className="mt-1 inline-block text-xs font-medium text-primary-soft-foreground underline-offset-4 hover:underline">
              View usage
            </Link>
          ) : null}
        </div>
      </div>
    </Card>
  );
}

/** Under "Limit reached" while billing is on: the way to a bigger plan (owners and admins), or whom to ask. */
function QuotaUpgrade() {
  const billing = useBillingStatus();
  const s = billing.data;
  const next = s?.enabled ? plansAbove(s.plan)[0] : undefined;
  if (!s || !next) return null;
  const link = "text-xs font-medium text-primary-soft-foreground underline-offset-4 hover:underline";
  return (
    <p className="mt-1 text-xs text-muted-foreground" data-testid="quota-upgrade">
      {!s.canManage ? (
        "Ask an owner or admin to upgrade for more events."
      ) : hasLiveSubscription(s) ? (
        <Link href="/dashboard/usage" className={link}>
          Change the plan in Manage billing
        </Link>
      ) : (
        <>
          <Link href={`/dashboard/usage?upgrade=${next}`} className={link}>
            Upgrade to {PLAN_NAMES[next]}
          </Link>{" "}
          for {formatNumber(PLANS[next].eventsPerMonth)} events a month.
        </>
      )}
    </p>
  );
}
