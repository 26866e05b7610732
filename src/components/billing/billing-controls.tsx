"use client";
import { CreditCard, LoaderCircle, Sparkles } from "lucide-react";
import type { ReactNode } from "react";
import { Button, type ButtonProps } from "@/components/ui/button";
import { ErrorMessage } from "@/components/ui/form-messages";
import { errorMessage } from "@/lib/app-error";
import { type BillingStatus, formatBillingDate, PLAN_LABEL, type PaidPlan, paymentFailed, useOpenPortal, useStartCheckout } from "./use-billing";

/** "Upgrade to Pro": Stripe Checkout for the workspace (owners and admins). */
export function UpgradeButton({ plan, children, ...props }: { plan: PaidPlan; children?: ReactNode } & Omit<ButtonProps, "onClick" | "children">) {
  const checkout = useStartCheckout();
  const busy = checkout.isPending || checkout.isSuccess;
  return (
    <div className="grid gap-2">
      <Button {...props} disabled={busy || props.disabled} onClick={() => checkout.mutate({ plan })}>
        {busy ? <LoaderCircle className="animate-spin" aria-hidden /> : <Sparkles aria-hidden />}
        {children ?? `Upgrade to ${PLAN_LABEL[plan]}`}
      </Button>
      {checkout.isError ? <ErrorMessage>{errorMessage(checkout.error)}</ErrorMessage> : null}
    </div>
  );
}

/** "Manage billing": Stripe's customer portal (payment method, plan, cancellation, invoices). */
export function ManageBillingButton({ children = "Manage billing", ...props }: Omit<ButtonProps, "onClick">) {
  const portal = useOpenPortal();
  const busy = portal.isPending || portal.isSuccess;
  return (
    <div className="grid gap-2">
      <Button variant="secondary" {...props} disabled={busy || props.disabled} onClick={() => portal.mutate()}>
        {busy ? <LoaderCircle className="animate-spin" aria-hidden /> : <CreditCard aria-hidden />}
        {children}
      </Button>
      {portal.isError ? <ErrorMessage>{errorMessage(portal.error)}</ErrorMessage> : null}
    </div>
  );
}

/** One sentence on where the subscription stands: renews, cancels, payment failed, or none. */
export function billingStatusText(s: BillingStatus): string {
  const plan = PLAN_LABEL[s.plan];
  if (paymentFailed(s)) {
    if (s.graceUntil && Date.parse(s.graceUntil) > Date.now()) return `Payment failed — ${plan} stays active until ${formatBillingDate(s.graceUntil)} (grace period).`;
    return `Payment failed — the workspace is on the ${plan} plan until the payment goes through.`;
  }
  if (s.scheduledChange) return `${plan} until ${formatBillingDate(s.scheduledChange.at)}, then ${PLAN_LABEL[s.scheduledChange.plan]}.`;
  if (s.cancelsAt && Date.parse(s.cancelsAt) > Date.now()) return `${plan} — cancels on ${formatBillingDate(s.cancelsAt)}; the workspace moves to the Free plan then.`;
  if (s.renewsAt) return `${plan} — renews on ${formatBillingDate(s.renewsAt)}.`;
  if (s.status === "canceled") return `The subscription has ended; the workspace is on the ${plan} plan.`;
  if (s.status === "incomplete") return "The first payment is not complete yet.";
  return `No subscription — the workspace is on the ${plan} plan.`;
}
