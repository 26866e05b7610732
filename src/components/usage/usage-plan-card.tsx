"use client";
import { Check } from "lucide-react";
import { ManageBillingButton, UpgradeButton, billingStatusText } from "@/components/billing/billing-controls";
import { hasLiveSubscription, plansAbove, useBillingStatus } from "@/components/billing/use-billing";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatNumber } from "@/lib/format-number";
import { cn } from "@/lib/utils";
import type { Plan } from "@/shared/current-user";
import { PLANS } from "@/shared/plans";
import { useCurrentWorkspace } from "@/lib/current-workspace";
import { useQuota } from "./usage-card";

const ORDER: { plan: Plan; label: string }[] = [
  { plan: "FREE", label: "Free" },
  { plan: "PRO", label: "Pro" },
  { plan: "ENTERPRISE", label: "Enterprise" },
];

/**
 * The plans side by side with the workspace's marked (plans belong to workspaces, not people).
 * With billing on, the subscription's status, Upgrade (Stripe Checkout) for owners and admins
 * of a workspace without a subscription, and Manage billing (Stripe's portal) once it has one;
 * members see the same without the buttons. With billing off there is nothing to buy here.
 */
export function UsagePlanCard({ billingEnabled = false }: { billingEnabled?: boolean }) {
  const quota = useQuota();
  const workspace = useCurrentWorkspace();
  const billing = useBillingStatus({ enabled: billingEnabled });
  const status = billingEnabled && billing.data?.enabled ? billing.data : undefined;
  const current = status?.plan ?? quota.data?.plan ?? workspace?.plan;
  const upgradable = status && !hasLiveSubscription(status) ? plansAbove(status.plan) : [];
  const canManage = status?.canManage ?? false;
  return (
    <Card className="mt-6" data-testid="plans-card">
      {!billingEnabled ? (
        <CardHeader>
          <CardTitle>Plans</CardTitle>
          <CardDescription>Billing is not enabled on this server: the administrator sets every workspace&apos;s plan and may raise its limits.</CardDescription>
        </CardHeader>
      ) : (
        <CardHeader className="flex-row flex-wrap items-start justify-between gap-x-6 gap-y-3">
          <div className="min-w-0 flex-1 basis-64 space-y-1.5">
            <CardTitle>Plan and billing</CardTitle>
            {status ? (
              <>
                <CardDescription className="font-medium text-foreground" data-testid="billing-status">
                  {billingStatusText(status)}
                </CardDescription>
                <CardDescription>
                  {canManage
                    ? hasLiveSubscription(status)
                      ? "Payments run through Stripe. Change the plan or the payment method, see invoices, or cancel in Manage billing."
                      : "Upgrade with a card through Stripe Checkout; change the plan or cancel any time in Manage billing."
                    : upgradable.length
                      ? "Ask an owner or admin to upgrade."
                      : "Ask an owner or admin to change the plan or the payment method."}
                </CardDescription>
              </>
            ) : (
              <CardDescription>Loading the subscription…</CardDescription>
            )}
          </div>
          {status && canManage && status.status !== "none" ? <ManageBillingButton /> : null}
        </CardHeader>
      )}
      <CardContent>
        <ul className="grid gap-3 sm:grid-cols-3" aria-label="Plans">
          {ORDER.map(({ plan, label }) => {
            const limits = PLANS[plan];
            const active = plan === current;
            return (
              <li key={plan} className={cn("flex flex-col rounded-lg border p-4", active && "border-primary bg-primary-soft/50")} aria-current={active ? "true" : undefined} data-plan={plan}>
                <p className="flex items-center justify-between gap-2 text-sm font-semibold">
                  {label}
                  {active ? <Badge variant="accent">This workspace</Badge> : null}
                </p>
                <p className="mt-1 text-sm text-muted-foreground">{limits.priceLabel}</p>
                <ul className="mt-3 grid gap-1.5 text-sm">
                  <li className="flex items-center gap-2">
                    <Check className="size-3.5 text-muted-foreground" aria-hidden />
                    {formatNumber(limits.eventsPerMonth)} events / month
                  </li>
                  <li className="flex items-center gap-2">
                    <Check className="size-3.5 text-muted-foreground" aria-hidden />
                    {formatNumber(limits.categories)} categories
                  </li>
                  <li className="flex items-center gap-2">
                    <Check className="size-3.5 text-muted-foreground" aria-hidden />
                    {formatNumber(limits.retentionDays)} days of event history
                  </li>
                </ul>
                {canManage && plan !== "FREE" && upgradable.includes(plan) ? (
                  <div className="mt-auto pt-4">
                    <UpgradeButton plan={plan} variant={plan === "PRO" ? "primary" : "secondary"} className="w-full" />
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      </CardContent>
    </Card>
  );
}
