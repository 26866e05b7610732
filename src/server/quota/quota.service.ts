import type { Env } from "@/env";
import type { WorkspacePlan } from "@/server/workspace/workspace.service";
import type { Db } from "@/server/db/db";
import type { Plan } from "@/shared/current-user";
import { PLANS, type PlanLimits } from "@/shared/plans";
import { countCategories } from "@/server/category/category.queries";
import { findQuotaUsage } from "./quota.queries";

/** The calendar month (UTC) an instant counts against, and when that month's quota resets. */
export function quotaPeriod(now: Date) {
  const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
  const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { period, resetsAt };
}

/** Plan limits, with the env overrides applied to the self-hosted default plan. */
export function limitsFor(plan: Plan, env: Pick<Env, "DEFAULT_PLAN" | "PLAN_EVENT_LIMIT" | "PLAN_CATEGORY_LIMIT" | "EVENT_RETENTION_DAYS">): PlanLimits {
  const base = PLANS[plan];
  if (plan !== env.DEFAULT_PLAN) return base;
  return {
    ...base,
    eventsPerMonth: env.PLAN_EVENT_LIMIT ?? base.eventsPerMonth,
    categories: env.PLAN_CATEGORY_LIMIT ?? base.categories,
    retentionDays: env.EVENT_RETENTION_DAYS ?? base.retentionDays,
  };
}

export type QuotaState = { limit: number; used: number; remaining: number; resetsAt: Date; period: string };

/** Where a user stands this month after `used` events counted. */
export function quotaState(limit: number, used: number, now: Date): QuotaState {
  const { period, resetsAt } = quotaPeriod(now);
  return { limit, used, remaining: Math.max(0, limit - used), period, resetsAt };
}

/** The usage page and GET /api/v1/quota: plan, this month's events against the limit, categories against theirs. */
export async function getUsage(db: Db, env: Env, ws: WorkspacePlan, now: Date) {
  const limits = limitsFor(ws.plan, env);
  const [quota, categories] = await Promise.all([readQuota(db, ws.id, limits.eventsPerMonth, now), countCategories(db, ws.id)]);
  return { plan: ws.plan, quota, categories: { used: categories, limit: limits.categories } };
}

export async function readQuota(db: Db, workspaceId: string, limit: number, now: Date): Promise<QuotaState> {
  return quotaState(limit, await findQuotaUsage(db, workspaceId, quotaPeriod(now).period), now);
}
