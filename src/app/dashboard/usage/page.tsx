import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell/page-header";
import { CheckoutReturn, UpgradeIntent } from "@/components/billing/billing-return";
import { UsagePlanCard } from "@/components/usage/usage-plan-card";
import { UsageCard } from "@/components/usage/usage-card";
import { UsageSummary } from "@/components/usage/usage-summary";
import { requireWorkspace } from "@/server/auth/current-user";
import { services } from "@/server/pages";

export const metadata: Metadata = { title: "Usage" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Usage and plans. With billing on, also where Stripe Checkout comes back to (`?checkout=success`
 * or `canceled`) and where an upgrade link lands (`?upgrade=PRO`, which starts Checkout).
 */
export default async function UsagePage({ searchParams }: { searchParams: SearchParams }) {
  const workspace = await requireWorkspace();
  const query = await searchParams;
  const billingEnabled = services().stripe !== null;
  const checkout = one(query.checkout);
  const upgrade = one(query.upgrade);
  return (
    <>
      <PageHeader title="Usage" description={<UsageSummary workspaceName={workspace.name} plan={workspace.plan} />} />
      {billingEnabled && (checkout === "success" || checkout === "canceled") ? <CheckoutReturn result={checkout} /> : null}
      {billingEnabled && !checkout && (upgrade === "PRO" || upgrade === "ENTERPRISE") ? <UpgradeIntent plan={upgrade} /> : null}
      <UsageCard showPlan />
      <UsagePlanCard billingEnabled={billingEnabled} />
    </>
  );
}
