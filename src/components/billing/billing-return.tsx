"use client";
import { CircleCheck, Info, LoaderCircle } from "lucide-react";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { Alert, AlertContent } from "@/components/ui/alert";
import { ErrorMessage } from "@/components/ui/form-messages";
import { errorMessage } from "@/lib/app-error";
import { ManageBillingButton, UpgradeButton } from "./billing-controls";
import { type BillingStatus, hasLiveSubscription, PLAN_LABEL, type PaidPlan, plansAbove, useBillingStatus, useStartCheckout } from "./use-billing";

/** Drops query parameters from the address bar (a reload must not repeat a checkout or its message). */
function dropParams(...names: string[]) {
  const url = new URL(window.location.href);
  if (!names.some((n) => url.searchParams.has(n))) return;
  for (const n of names) url.searchParams.delete(n);
  window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
}

const POLL_MS = 1500;
/** Stripe's webhooks usually arrive within seconds; after this the message says it is taking long. */
const SLOW_AFTER_MS = 60_000;
const SLOW_POLL_MS = 10_000;
/** A subscription is recorded: what the webhooks of a paid Checkout leave. */
const subscribed = (s: BillingStatus) => s.status === "active" || s.status === "trialing";

/**
 * Back from Stripe Checkout (`?checkout=success`): the plan changes only when Stripe's webhooks
 * arrive, so this says the payment is received and polls the billing status until the
 * subscription is recorded. `?checkout=canceled`: nothing was charged.
 */
export function CheckoutReturn({ result }: { result: "success" | "canceled" }) {
  const [started] = useState(() => Date.now());
  const [slow, setSlow] = useState(false);
  const billing = useBillingStatus(result === "success" ? { poll: { everyMs: slow ? SLOW_POLL_MS : POLL_MS, until: subscribed } } : {});
  const s = billing.data;
  const settled = s !== undefined && subscribed(s);

  useEffect(() => {
    if (result === "canceled" || settled) dropParams("checkout");
  }, [result, settled]);
  useEffect(() => {
    if (result !== "success" || settled) return;
    const timer = setTimeout(() => setSlow(true), Math.max(0, started + SLOW_AFTER_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [result, settled, started]);

  if (result === "canceled") {
    return (
      <Alert role="status" className="mb-6" data-testid="checkout-return">
        <Info aria-hidden />
        <AlertContent>Checkout canceled — nothing was charged.</AlertContent>
      </Alert>
    );
  }
  if (settled) {
    return (
      <Alert variant="success" role="status" className="mb-6" data-testid="checkout-return">
        <CircleCheck aria-hidden />
        <AlertContent>Payment received — this workspace is on the {PLAN_LABEL[s.plan]} plan now.</AlertContent>
      </Alert>
    );
  }
  return (
    <Alert role="status" className="mb-6" data-testid="checkout-return">
      <LoaderCircle className="animate-spin" aria-hidden />
      <AlertContent>
        <p>Payment received — your plan updates in a moment.</p>
        {slow ? (
          <p className="text-muted-foreground">
            Stripe has not confirmed it yet. This page updates as soon as it does; if nothing changes within a few minutes, open Manage billing or contact the server&apos;s administrator.
          </p>
        ) : null}
      </AlertContent>
    </Alert>
  );
}

/**
 * `?upgrade=PRO` (the pricing table, the quota-reached message): starts Checkout for that plan at
 * once for an owner or admin, or says why it cannot (already on it, a subscription to change in
 * Manage billing instead, or only owners and admins may). Nothing while billing is off.
 */
export function UpgradeIntent({ plan }: { plan: PaidPlan }) {
  const billing = useBillingStatus();
  const checkout = useStartCheckout();
  const { mutate } = checkout;
  const started = useRef(false);
  const s = billing.data;
  const ready = s?.enabled === true && s.canManage && plansAbove(s.plan).includes(plan) && !hasLiveSubscription(s);

  useEffect(() => {
    if (s) dropParams("upgrade");
    if (!ready || started.current) return;
    started.current = true;
    mutate({ plan });
  }, [s, ready, plan, mutate]);

  if (!s?.enabled) return null;
  let body: ReactNode;
  if (!plansAbove(s.plan).includes(plan)) body = <p>This workspace is already on the {PLAN_LABEL[s.plan]} plan.</p>;
  else if (hasLiveSubscription(s))
    body = (
      <>
        <p>This workspace has a subscription: change its plan in Manage billing.</p>
        {s.canManage ? <ManageBillingButton size="sm" className="mt-2" /> : null}
      </>
    );
  else if (!s.canManage) body = <p>Only the workspace&apos;s owners and admins can upgrade it. Ask one of them to upgrade to {PLAN_LABEL[plan]}.</p>;
  else if (checkout.isError)
    return (
      <div className="mb-6 grid gap-3">
        <ErrorMessage>Checkout could not start: {errorMessage(checkout.error)}</ErrorMessage>
        <div>
          <UpgradeButton plan={plan}>Try again</UpgradeButton>
        </div>
      </div>
    );
  else body = <p>Opening Stripe Checkout for {PLAN_LABEL[plan]}…</p>;
  return (
    <Alert role="status" className="mb-6" data-testid="upgrade-intent">
      {ready && !checkout.isError ? <LoaderCircle className="animate-spin" aria-hidden /> : <Info aria-hidden />}
      <AlertContent>{body}</AlertContent>
    </Alert>
  );
}
