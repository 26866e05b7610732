import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";
import type { Plan } from "@/shared/current-user";

type AdminOutputs = inferRouterOutputs<AppRouter>["admin"];
export type AdminHealth = AdminOutputs["health"];
export type AdminUser = AdminOutputs["users"]["items"][number];
export type AdminWorkspace = AdminOutputs["workspaces"]["items"][number];
export type AdminAuditEntry = AdminOutputs["audit"]["items"][number];

export const PLANS: readonly Plan[] = ["FREE", "PRO", "ENTERPRISE"];
export const PLAN_LABEL: Record<Plan, string> = { FREE: "Free", PRO: "Pro", ENTERPRISE: "Enterprise" };
export const PLAN_BADGE = { FREE: "neutral", PRO: "accent", ENTERPRISE: "success" } as const;

/** "45 s", "12 min", "3 h", "2 days": how long the oldest delivery has waited. */
export function formatAge(seconds: number) {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
