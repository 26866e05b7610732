import type { Env } from "@/env";
import type { Db } from "@/server/db/db";
import type { Plan } from "@/shared/current-user";
import { PLANS, type PlanLimits } from "@/shared/plans";
import { findQuotaUsage, incrementQuotaUsage } from "./quota.queries";

/** The calendar month (UTC) an instant counts against, and when that month's quota resets. */
export function quotaPeriod(now: Date) {
  const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
  const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { period, resetsAt };
}

/** Plan limits, with the env overrides applied to the self-hosted default plan. */
export function limitsFor(plan: Plan, env: Pick<Env, "DEFAULT_PLAN" | "PLAN_EVENT_LIMIT" | "PLAN_CATEGORY_LIMIT">): PlanLimits {
  const base = PLANS[plan];
  if (plan !== env.DEFAULT_PLAN) return base;
  return { ...base, eventsPerMonth: env.PLAN_EVENT_LIMIT ?? base.eventsPerMonth, categories: env.PLAN_CATEGORY_LIMIT ?? base.categories };
}

export type QuotaState = { limit: number; used: number; remaining: number; resetsAt: Date; period: string };

const state = (limit: number, used: number, period: string, resetsAt: Date): QuotaState => ({
  limit,
  used,
  remaining: Math.max(0, limit - used),
  period,
  resetsAt,
});

/** Counts one event against the month; `undefined` when the quota is used up (nothing counted). */
export async function consumeQuota(db: Db, userId: string, limit: number, now: Date): Promise<QuotaState | undefined> {
  const { period, resetsAt } = quotaPeriod(now);
  const used = await incrementQuotaUsage(db, userId, period, limit);
  return used === undefined ? undefined : state(limit, used, period, resetsAt);
}

export async function readQuota(db: Db, userId: string, limit: number, now: Date): Promise<QuotaState> {
  const { period, resetsAt } = quotaPeriod(now);
  return state(limit, await findQuotaUsage(db, userId, period), period, resetsAt);
}
