import { describe, expect, it } from "vitest";
import { billingStatusText } from "./billing-controls";
import { type BillingStatus, hasLiveSubscription, nextBillingCheck, plansAbove } from "./use-billing";

const now = Date.parse("2027-03-10T12:00:00.000Z");
const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();
const status = (s: Partial<BillingStatus>): BillingStatus => ({
  enabled: true,
  plan: "PRO",
  status: "active",
  renewsAt: null,
  cancelsAt: null,
  graceUntil: null,
  scheduledChange: null,
  canManage: true,
  ...s,
});

describe("nextBillingCheck: when an open page asks for the billing status again", () => {
  it("never while billing is off or nothing is due", () => {
    expect(nextBillingCheck(undefined, now)).toBe(false);
    expect(nextBillingCheck(status({ enabled: false }), now)).toBe(false);
    expect(nextBillingCheck(status({ renewsAt: at(30 * 86400) }), now)).toBe(false);
  });

  it("just after a cancellation, grace period or scheduled change falls due", () => {
    expect(nextBillingCheck(status({ cancelsAt: at(8) }), now)).toBe(9500);
    expect(nextBillingCheck(status({ status: "past_due", graceUntil: at(4), cancelsAt: null }), now)).toBe(5500);
    expect(nextBillingCheck(status({ scheduledChange: { plan: "PRO", at: at(60) }, cancelsAt: at(120) }), now)).toBe(61_500);
    // A date weeks away: hourly.
    expect(nextBillingCheck(status({ cancelsAt: at(20 * 86400) }), now)).toBe(3_600_000);
  });

  it("every 5 s after the date until the sweep has moved the plan, for ten minutes at most", () => {
    expect(nextBillingCheck(status({ cancelsAt: at(-2) }), now)).toBe(5000);
    expect(nextBillingCheck(status({ cancelsAt: at(-2), plan: "FREE", status: "canceled" }), now)).toBe(false);
    expect(nextBillingCheck(status({ cancelsAt: at(-11 * 60) }), now)).toBe(false);
  });
});

describe("plans and subscriptions", () => {
  it("offers only the paid plans above the current one", () => {
    expect(plansAbove("FREE")).toEqual(["PRO", "ENTERPRISE"]);
    expect(plansAbove("PRO")).toEqual(["ENTERPRISE"]);
    expect(plansAbove("ENTERPRISE")).toEqual([]);
  });

  it("a subscription that runs or may recover is changed in Manage billing, not bought again", () => {
    for (const s of ["active", "trialing", "past_due", "unpaid"]) expect(hasLiveSubscription({ status: s })).toBe(true);
    for (const s of ["none", "canceled", "incomplete", "incomplete_expired"]) expect(hasLiveSubscription({ status: s })).toBe(false);
  });

  it("one status sentence per state", () => {
    expect(billingStatusText(status({ plan: "FREE", status: "none" }))).toBe("No subscription — the workspace is on the Free plan.");
    expect(billingStatusText(status({ renewsAt: "2099-04-10T12:00:00.000Z" }))).toMatch(/^Pro — renews on /);
    expect(billingStatusText(status({ cancelsAt: "2099-04-10T12:00:00.000Z" }))).toMatch(/^Pro — cancels on .*; the workspace moves to the Free plan then\.$/);
    expect(billingStatusText(status({ status: "past_due", graceUntil: "2099-04-10T12:00:00.000Z" }))).toMatch(/^Payment failed — Pro stays active until .* \(grace period\)\.$/);
    expect(billingStatusText(status({ plan: "FREE", status: "past_due", graceUntil: "2000-01-01T00:00:00.000Z" }))).toBe(
      "Payment failed — the workspace is on the Free plan until the payment goes through.",
    );
    expect(billingStatusText(status({ scheduledChange: { plan: "PRO", at: "2099-04-10T12:00:00.000Z" }, plan: "ENTERPRISE" }))).toMatch(/^Enterprise until .*, then Pro\.$/);
    expect(billingStatusText(status({ plan: "FREE", status: "canceled", cancelsAt: "2000-01-01T00:00:00.000Z" }))).toBe("The subscription has ended; the workspace is on the Free plan.");
  });
});
