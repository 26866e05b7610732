"use client";
import { TriangleAlert } from "lucide-react";
import { Alert, AlertContent } from "@/components/ui/alert";
import { ManageBillingButton } from "./billing-controls";
import { formatBillingDate, PLAN_LABEL, paymentFailed, useBillingStatus } from "./use-billing";

/**
 * Across the app while the workspace's payment has failed (Stripe retries meanwhile): the paid
 * plan stays until the grace period ends, then the workspace is on FREE until it is paid. Owners
 * and admins get "Manage billing" to update the payment method. Nothing while billing is off.
 */
export function BillingBanner() {
  const billing = useBillingStatus();
  const s = billing.data;
  if (!s?.enabled || !paymentFailed(s)) return null;
  const inGrace = s.graceUntil !== null && Date.parse(s.graceUntil) > Date.now();
  const plan = PLAN_LABEL[s.plan];
  const text = inGrace
    ? s.canManage
      ? `Your payment failed. ${plan} stays active until ${formatBillingDate(s.graceUntil!)}; update your payment method to keep it.`
      : `This workspace's payment failed. ${plan} stays active until ${formatBillingDate(s.graceUntil!)}; an owner or admin needs to update the payment method.`
    : s.canManage
      ? `Your payment failed, so this workspace is on the ${plan} plan. Update your payment method to get your subscription back.`
      : `This workspace's payment failed, so it is on the ${plan} plan until an owner or admin updates the payment method.`;
  return (
    <Alert variant="warning" role="alert" className="mb-6" data-testid="billing-banner">
      <TriangleAlert aria-hidden />
      <AlertContent className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 space-y-0">
        <p className="min-w-0 flex-1 basis-60 font-medium">{text}</p>
        {s.canManage ? <ManageBillingButton size="sm" /> : null}
      </AlertContent>
    </Alert>
  );
}
