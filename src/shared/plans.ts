import type { Plan } from "./current-user";

/**
 * `retentionDays`: how long raw events are kept (whole UTC days); older ones are deleted by the
 * worker while the daily rollups stay, so totals, sums and day charts keep every day.
 */
export type PlanLimits = { eventsPerMonth: number; categories: number; retentionDays: number; priceLabel: string };

/** Self-hosted instances can override the limits of DEFAULT_PLAN by env. */
export const PLANS: Record<Plan, PlanLimits> = {
  FREE: { eventsPerMonth: 100, categories: 3, retentionDays: 30, priceLabel: "$0" },
  PRO: { eventsPerMonth: 1_000, categories: 10, retentionDays: 365, priceLabel: "$29/month" },
  ENTERPRISE: { eventsPerMonth: 10_000, categories: 100, retentionDays: 730, priceLabel: "$49/month" },
};
