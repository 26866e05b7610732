"use client";
import type { Plan } from "@/shared/current-user";
import { useQuota } from "./usage-card";

const PLAN_LABEL = { FREE: "Free", PRO: "Pro", ENTERPRISE: "Enterprise" } as const;

/** The usage page's description; the plan follows the usage query, so a change (billing webhooks) shows without a reload. */
export function UsageSummary({ workspaceName, plan }: { workspaceName: string; plan: Plan }) {
  const quota = useQuota();
  const current = quota.data?.plan ?? plan;
  return (
    <span data-testid="usage-summary">
      {workspaceName} is on the {PLAN_LABEL[current]} plan. Its members share what it uses this month; quotas reset on the 1st at 00:00 UTC.
    </span>
  );
}
