import type { Plan } from "./current-user";

export type PlanLimits = { eventsPerMonth: number; categories: number; priceLabel: string };

/** Self-hosted instances can override the limits of DEFAULT_PLAN by env. */
export const PLANS: Record<Plan, PlanLimits> = {
  FREE: { eventsPerMonth: 100, categories: 3, priceLabel: "$0" },
  PRO: { eventsPerMonth: 1_000, categories: 10, priceLabel: "$29/month" },
  ENTERPRISE: { eventsPerMonth: 10_000, categories: 100, priceLabel: "$49/month" },
};
