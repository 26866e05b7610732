import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell/page-header";
import { UsagePlanCard } from "@/components/usage/usage-plan-card";
import { UsageCard } from "@/components/usage/usage-card";

export const metadata: Metadata = { title: "Usage" };

export default function UsagePage() {
  return (
    <>
      <PageHeader title="Usage" description="Your plan and what you have used this month. Quotas reset on the 1st at 00:00 UTC." />
      <UsageCard showPlan />
      <UsagePlanCard />
    </>
  );
}
