"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useEffect, useRef } from "react";
import type { AppRouter } from "@/server/trpc/root";
import type { Plan } from "@/shared/current-user";
import { formatDate, formatDateTime } from "@/lib/format-time";
import { useTRPC } from "@/trpc/client";

export type BillingStatus = inferRouterOutputs<AppRouter>["billing"]["status"];
export type PaidPlan = Exclude<Plan, "FREE">;

export const PLAN_LABEL: Record<Plan, string> = { FREE: "Free", PRO: "Pro", ENTERPRISE: "Enterprise" };
const RANK: Record<Plan, number> = { FREE: 0, PRO: 1, ENTERPRISE: 2 };
export const PAID_PLANS: PaidPlan[] = ["PRO", "ENTERPRISE"];

/** The paid plans above `plan`, cheapest first (what an Upgrade button may offer). */
export const plansAbove = (plan: Plan) => PAID_PLANS.filter((p) => RANK[p] > RANK[plan]);

/** A subscription that runs or may still recover: a second Checkout is refused, Manage billing changes it. */
export const hasLiveSubscription = (s: Pick<BillingStatus, "status">) => ["active", "trialing", "past_due", "unpaid"].includes(s.status);

/** A failed payment Stripe is still retrying (the grace period, then FREE until it is paid). */
export const paymentFailed = (s: Pick<BillingStatus, "status">) => s.status === "past_due" || s.status === "unpaid";

/** Dates a few days off read as a day; dates within two days also say the time (a grace period ending tonight). */
export function formatBillingDate(value: string, now = Date.now()) {
  return Math.abs(new Date(value).getTime() - now) < 2 * 24 * 3600 * 1000 ? formatDateTime(value) : formatDate(value);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** After a period end or grace end, the plan changes when the billing sweep runs (every 5 minutes by default). */
const SWEEP_WATCH_MS = 10 * MINUTE;

/**
 * When to ask again with no webhook to wait for: just after a cancellation or grace period ends,
 * then every few seconds until the worker's sweep has moved the plan (bounded to ten minutes).
 */
export function nextBillingCheck(s: BillingStatus | undefined, now = Date.now()): number | false {
  if (!s?.enabled) return false;
  const dates = [s.cancelsAt, s.graceUntil, s.scheduledChange?.at].filter((d): d is string => d !== null && d !== undefined).map((d) => Date.parse(d));
  const waits: number[] = [];
  for (const at of dates) {
    if (at > now) waits.push(at - now + 1500);
    else if (now - at < SWEEP_WATCH_MS && s.plan !== "FREE") waits.push(5 * SECOND);
  }
  if (!waits.length) return false;
  // setTimeout's limit; a page left open for weeks asks again hourly.
  return Math.min(Math.max(Math.min(...waits), SECOND), 60 * MINUTE);
}

/**
 * The workspace's billing status (`enabled: false` while billing is off). It asks again when a
 * date it shows passes (and every `poll.everyMs` until `poll.until` holds); when the plan changes,
 * the usage figures follow.
 */
export function useBillingStatus(opts: { enabled?: boolean; poll?: { everyMs: number; until: (s: BillingStatus) => boolean } } = {}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery({
    ...trpc.billing.status.queryOptions(),
    enabled: opts.enabled ?? true,
    refetchInterval: (q) => {
      const data = q.state.data;
      const due = nextBillingCheck(data);
      if (!opts.poll || (data && opts.poll.until(data))) return due;
      return due === false ? opts.poll.everyMs : Math.min(due, opts.poll.everyMs);
    },
  });
  const plan = query.data?.plan;
  const seen = useRef(plan);
  useEffect(() => {
    if (!plan) return;
    if (seen.current && seen.current !== plan) void queryClient.invalidateQueries({ queryKey: trpc.quota.get.queryKey() });
    seen.current = plan;
  }, [plan, queryClient, trpc]);
  return query;
}

/** Starts Stripe Checkout for a paid plan and leaves for Stripe's page. */
export function useStartCheckout() {
  const trpc = useTRPC();
  return useMutation(trpc.billing.checkout.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }));
}

/** Opens Stripe's customer portal (payment method, plan, cancel). */
export function useOpenPortal() {
  const trpc = useTRPC();
  return useMutation(trpc.billing.portal.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }));
}
