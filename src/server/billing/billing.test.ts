/**
 * Billing end to end: the official Stripe library talking to the local Stripe fake
 * (tests/fakes/stripe.fake.ts), whose hosted Checkout page and helpers send signed webhooks to
 * the app. The clock is the test's own; moving it and running the billing sweep stands in for
 * time passing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EnvError, parseEnv } from "@/env";
import { WORKSPACE_HEADER } from "@/shared/auth-cookies";
import { startStripeFake, type FakeEvent, type StripeFake } from "../../../tests/fakes/stripe.fake";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { startBillingJob } from "./billing.job";
import { applyDueBillingChanges } from "./billing.service";

const DAY = 24 * 60 * 60 * 1000;
const clock = { now: Date.parse("2027-03-10T12:00:00.000Z") };
const advance = (ms: number) => void (clock.now += ms);

let t: TestApp;
let stripe: StripeFake;

beforeAll(async () => {
  stripe = await startStripeFake({ clock: () => new Date(clock.now) });
  t = await startTestApp({ clock, env: { ...stripe.env, API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" } });
  stripe.webhook = (body, headers) => t.request("/api/webhooks/stripe", { method: "POST", body, headers });
});
afterAll(async () => {
  await t?.close();
  await stripe?.close();
});

type Account = { email: string; key: string; workspaceId: string; slug: string };

async function account(email: string): Promise<Account> {
  const { key } = await t.signUpWithKey(email);
  const ws = await t.ownerAccess(email);
  return { email, key, workspaceId: ws.id, slug: ws.slug };
}

/** tRPC as `email` (signed in now: the clock moves by weeks, past any session), acting in `workspaceId` when given. */
async function call(path: string, email: string, input?: unknown, kind: "query" | "mutation" = "mutation", workspaceId?: string) {
  const { cookie } = await t.signIn(email);
  const headers: Record<string, string> = workspaceId ? { [WORKSPACE_HEADER]: workspaceId } : {};
  const res =
    kind === "query"
      ? await t.request(`/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { cookie: cookie!, headers })
      : await t.post(`/trpc/${path}`, input ?? {}, { cookie: cookie!, headers });
  const body = await res.json();
  return { status: res.status, data: body.result?.data, error: body.error };
}

const billingStatus = async (a: Account) => (await call("billing.status", a.email, undefined, "query")).data;
const quota = async (a: Account) => (await (await t.api("/api/v1/quota", a.key)).json()) as { plan: string; limit: number; categories: { used: number; limit: number } };
const billingRow = (a: Account) => t.db.selectFrom("workspace_billing").selectAll().where("workspace_id", "=", a.workspaceId).executeTakeFirstOrThrow();
const plan = async (a: Account) => (await t.db.selectFrom("workspace").select("plan").where("id", "=", a.workspaceId).executeTakeFirstOrThrow()).plan;
const sweep = () => applyDueBillingChanges(t.services);

/** Checkout, then paying on the fake's hosted page, following its redirect back as a browser would. */
async function subscribe(a: Account, to: "PRO" | "ENTERPRISE" = "PRO") {
  const checkout = await call("billing.checkout", a.email, { plan: to });
  expect(checkout.status).toBe(200);
  const page = await fetch(checkout.data.url, { redirect: "manual" });
  expect(page.status).toBe(303);
  expect(page.headers.get("location")).toBe(`${t.env.APP_URL}/dashboard/usage?workspace=${a.slug}&checkout=success`);
  const row = await billingRow(a);
  return row.stripe_subscription_id!;
}

const subscriptionReads = (id: string) => stripe.received.filter((r) => r.method === "GET" && r.path === `/v1/subscriptions/${id}`).length;

describe("billing on (Stripe fake)", () => {
  it("a new workspace starts on FREE; billing.status says so", async () => {
    const a = await account("fresh@example.com");
    expect(await billingStatus(a)).toEqual({
      enabled: true,
      plan: "FREE",
      status: "none",
      renewsAt: null,
      cancelsAt: null,
      graceUntil: null,
      scheduledChange: null,
      canManage: true,
    });
    expect((await quota(a)).limit).toBe(100);
  });

  it("checkout creates one Stripe customer per workspace and reuses it", async () => {
    const a = await account("checkout@example.com");
    const first = await call("billing.checkout", a.email, { plan: "PRO" });
    const second = await call("billing.checkout", a.email, { plan: "ENTERPRISE" });
    expect(first.data.url).toMatch(new RegExp(`^${stripe.url}/pay/cs_test_`));
    expect(second.data.url).not.toBe(first.data.url);
    const sessions = [...stripe.sessions.values()].filter((s) => s.client_reference_id === a.workspaceId);
    expect(sessions).toHaveLength(2);
    const customers = [...stripe.customers.values()].filter((c) => c.metadata.workspace_id === a.workspaceId);
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ email: a.email });
    for (const s of sessions) {
      expect(s).toMatchObject({
        mode: "subscription",
        customer: customers[0]!.id,
        metadata: { workspace_id: a.workspaceId },
        success_url: `${t.env.APP_URL}/dashboard/usage?workspace=${a.slug}&checkout=success`,
        cancel_url: `${t.env.APP_URL}/dashboard/usage?workspace=${a.slug}&checkout=canceled`,
      });
      expect(s._subscriptionMetadata).toEqual({ workspace_id: a.workspaceId });
    }
    expect(sessions.map((s) => s._price).sort()).toEqual([stripe.prices.ENTERPRISE, stripe.prices.PRO].sort());
    expect((await billingRow(a)).stripe_customer_id).toBe(customers[0]!.id);
    // Nothing changes until Stripe says the subscription exists.
    expect(await plan(a)).toBe("FREE");

    // Two first checkouts at once still make one customer.
    const b = await account("checkout-race@example.com");
    const both = await Promise.all([call("billing.checkout", b.email, { plan: "PRO" }), call("billing.checkout", b.email, { plan: "PRO" })]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect([...stripe.customers.values()].filter((c) => c.metadata.workspace_id === b.workspaceId)).toHaveLength(1);
  });

  it("paying on the hosted page: webhooks make the workspace PRO and lift its limits at once", async () => {
    const a = await account("pays@example.com");
    // The key's plan is cached now (FREE); the upgrade must reach it at once.
    expect((await quota(a)).limit).toBe(100);
    await subscribe(a, "PRO");
    expect(await quota(a)).toMatchObject({ plan: "PRO", limit: 1000, categories: { limit: 10 } });
    const status = await billingStatus(a);
    const sub = [...stripe.subscriptions.values()].find((s) => s.metadata.workspace_id === a.workspaceId)!;
    expect(status).toMatchObject({ enabled: true, plan: "PRO", status: "active", cancelsAt: null, graceUntil: null, canManage: true });
    expect(status.renewsAt).toBe(new Date(sub.items.data[0]!.current_period_end * 1000).toISOString());
    expect(stripe.deliveries.filter((d) => d.status !== 200)).toEqual([]);
    // A second checkout is refused while the subscription runs: plan changes go through the portal.
    expect((await call("billing.checkout", a.email, { plan: "ENTERPRISE" })).error.data.code).toBe("CONFLICT");
  });

  it("the plan changes only from verified webhooks, whatever order they come in", async () => {
    const a = await account("order@example.com");
    const checkout = await call("billing.checkout", a.email, { plan: "ENTERPRISE" });
    stripe.hold();
    const sessionId = checkout.data.url.split("/").at(-1);
    const { events } = await stripe.pay(sessionId);
    stripe.release();
    // Paid at Stripe, and the customer is back on the success page, but no webhook yet: nothing changed.
    expect(await plan(a)).toBe("FREE");
    const answers = await stripe.deliver([...events].reverse());
    expect(answers.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(await plan(a)).toBe("ENTERPRISE");
    expect((await quota(a)).limit).toBe(10_000);
  });

  it("a bad signature is a 400 and changes nothing", async () => {
    const a = await account("forged@example.com");
    const subId = await subscribe(a);
    stripe.hold();
    const [deleted] = await stripe.cancelNow(subId);
    stripe.release();
    // Stripe's own state is canceled now; only a verified event may tell PingPilot so.
    const eventsBefore = await t.countRows("stripe_event");
    const post = (body: string, headers: Record<string, string>) => t.request("/api/webhooks/stripe", { method: "POST", body, headers });
    const wrongSecret = stripe.signed(deleted!, "whsec_not_the_secret");
    expect((await post(wrongSecret.body, wrongSecret.headers)).status).toBe(400);
    const good = stripe.signed(deleted!);
    const tampered = good.body.replace('"canceled"', '"active"');
    expect((await post(tampered, good.headers)).status).toBe(400);
    const res = await post(good.body, { "content-type": "application/json" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("BAD_REQUEST");
    // Signed with the right secret but 10 minutes old (replayed): outside the library's 5-minute tolerance.
    advance(10 * 60 * 1000);
    expect((await post(good.body, good.headers)).status).toBe(400);
    expect(await t.countRows("stripe_event")).toBe(eventsBefore);
    expect(await plan(a)).toBe("PRO");
    expect((await billingRow(a)).status).toBe("active");
    // The real delivery (signed now) goes through. Canceled at once, the period already paid for is kept.
    expect((await stripe.deliver(deleted!))[0]!.status).toBe(200);
    const periodEnd = new Date(stripe.subscriptions.get(subId)!.items.data[0]!.current_period_end * 1000).toISOString();
    expect(await billingStatus(a)).toMatchObject({ plan: "PRO", status: "canceled", scheduledChange: { plan: "FREE", at: periodEnd } });
  });

  it("replays and an older subscription.updated arriving last leave the same final state", async () => {
    const a = await account("replay@example.com");
    const subId = await subscribe(a);
    const allSoFar = stripe.events.filter((e) => JSON.stringify(e.data.object).includes(subId));
    stripe.hold();
    const [canceling] = await stripe.cancelAtPeriodEnd(subId);
    advance(60_000);
    const [resumed] = await stripe.resume(subId);
    stripe.release();
    // The newer state first, then the older one (never delivered before) last.
    await stripe.deliver(resumed!);
    const settled = await billingRow(a);
    expect(settled).toMatchObject({ status: "active", cancel_at: null });
    expect(Boolean(settled.cancel_at_period_end)).toBe(false);
    await stripe.deliver(canceling!);
    const after = await billingRow(a);
    expect({ ...after, synced_at: null, updated_at: null }).toEqual({ ...settled, synced_at: null, updated_at: null });
    // Every event of this subscription again, twice: each is recognised and nothing changes.
    const replayed = await stripe.deliver([...allSoFar, canceling!, resumed!, ...allSoFar]);
    expect(replayed.every((d) => d.status === 200)).toBe(true);
    expect(await billingRow(a)).toEqual(after);
    expect((await billingStatus(a)).cancelsAt).toBeNull();
    expect(await plan(a)).toBe("PRO");
  });

  it("concurrent duplicate deliveries of one event are applied once", async () => {
    const a = await account("dupes@example.com");
    const subId = await subscribe(a);
    stripe.hold();
    const [upgraded] = await stripe.changePlan(subId, "ENTERPRISE");
    stripe.release();
    const readsBefore = subscriptionReads(subId);
    const copies = Array.from({ length: 8 }, () => upgraded as FakeEvent);
    const answers = await stripe.deliver(copies, { concurrent: true });
    expect(answers.map((d) => d.status)).toEqual(Array(8).fill(200));
    const rows = await t.db.selectFrom("stripe_event").selectAll().where("id", "=", upgraded!.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.workspace_id).toBe(a.workspaceId);
    // Applied once: one read of the subscription from Stripe for eight deliveries.
    expect(subscriptionReads(subId) - readsBefore).toBe(1);
    expect(await plan(a)).toBe("ENTERPRISE");
    expect((await quota(a)).limit).toBe(10_000);
  });

  it("a downgrade keeps the plan paid for until the period ends", async () => {
    const a = await account("downgrade@example.com");
    const subId = await subscribe(a, "ENTERPRISE");
    const periodEnd = stripe.subscriptions.get(subId)!.items.data[0]!.current_period_end * 1000;
    await stripe.changePlan(subId, "PRO");
    expect(await plan(a)).toBe("ENTERPRISE");
    expect((await billingStatus(a)).scheduledChange).toEqual({ plan: "PRO", at: new Date(periodEnd).toISOString() });
    advance(periodEnd - clock.now - 1000);
    await sweep();
    expect(await plan(a)).toBe("ENTERPRISE");
    advance(2000);
    expect((await sweep()).changed).toContain(a.workspaceId);
    expect(await plan(a)).toBe("PRO");
    expect((await quota(a)).limit).toBe(1000);
    // Stripe renews on PRO: nothing more changes.
    await stripe.endPeriod(subId);
    expect(await plan(a)).toBe("PRO");
    expect((await billingStatus(a)).scheduledChange).toBeNull();
  });

  it("cancel at period end: PRO until the period ends, FREE after it without a webhook; categories stay but none can be added", async () => {
    const a = await account("cancel@example.com");
    const subId = await subscribe(a);
    for (const name of ["one", "two", "three", "four", "five"]) expect((await t.api("/api/v1/categories", a.key, { json: { name } })).status).toBe(201);
    const periodEnd = stripe.subscriptions.get(subId)!.items.data[0]!.current_period_end * 1000;
    stripe.hold();
    const [canceling] = await stripe.cancelAtPeriodEnd(subId);
    stripe.release();
    await stripe.deliver(canceling!);
    expect(await billingStatus(a)).toMatchObject({ plan: "PRO", status: "active", renewsAt: null, cancelsAt: new Date(periodEnd).toISOString() });

    advance(periodEnd - clock.now - 60_000);
    await sweep();
    expect(await plan(a)).toBe("PRO");
    advance(2 * 60_000);
    // No webhook: the sweep alone applies it.
    await sweep();
    expect(await plan(a)).toBe("FREE");
    expect(await billingStatus(a)).toMatchObject({ plan: "FREE", status: "canceled" });
    expect(await quota(a)).toMatchObject({ plan: "FREE", limit: 100, categories: { used: 5, limit: 3 } });
    const refused = await t.api("/api/v1/categories", a.key, { json: { name: "six" } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toBe("Your plan allows 3 categories and this workspace has 5. They all keep working, but to add one, delete 3 or upgrade.");
    expect((await (await t.api("/api/v1/events", a.key, { json: { category: "five", description: "still works" } })).json()).id).toBeTruthy();

    // Stripe's own end of the subscription arrives later: same state.
    await stripe.endPeriod(subId);
    expect(await plan(a)).toBe("FREE");
    // Subscribing again reuses the customer.
    const customer = (await billingRow(a)).stripe_customer_id;
    const again = await subscribe(a);
    expect(again).not.toBe(subId);
    expect((await billingRow(a)).stripe_customer_id).toBe(customer);
    expect(await plan(a)).toBe("PRO");
  });

  it("a failed payment: past_due with a grace period, then FREE; paying restores the plan", async () => {
    const a = await account("fails@example.com");
    const subId = await subscribe(a);
    await stripe.failPayment(subId);
    // BILLING_GRACE_SECONDS, by default 7 days (and the sweep every 5 minutes).
    expect(t.env.BILLING_GRACE_SECONDS).toBe((7 * DAY) / 1000);
    expect(t.env.BILLING_SWEEP_INTERVAL_SECONDS).toBe(300);
    const graceUntil = new Date(clock.now + t.env.BILLING_GRACE_SECONDS * 1000).toISOString();
    expect(await billingStatus(a)).toMatchObject({ plan: "PRO", status: "past_due", graceUntil });
    // A later event of the same failure does not restart the grace period.
    advance(DAY);
    await stripe.deliver(stripe.events.filter((e) => e.type === "customer.subscription.updated" && JSON.stringify(e.data.object).includes(subId)).at(-1)!);
    await stripe.changePlan(subId, "PRO");
    expect((await billingStatus(a)).graceUntil).toBe(graceUntil);

    advance(Date.parse(graceUntil) - clock.now - 1000);
    await sweep();
    expect(await plan(a)).toBe("PRO");
    advance(2000);
    // The worker's job runs the same sweep.
    const job = startBillingJob(t.services, { firstRunAfterMs: 3_600_000, everyMs: 3_600_000 });
    expect((await job.runOnce()).changed).toContain(a.workspaceId);
    await job.stop();
    expect(await plan(a)).toBe("FREE");
    expect((await quota(a)).limit).toBe(100);
    expect((await billingStatus(a)).status).toBe("past_due");

    await stripe.recoverPayment(subId);
    expect(await billingStatus(a)).toMatchObject({ plan: "PRO", status: "active", graceUntil: null });
    expect((await quota(a)).limit).toBe(1000);
  });

  it("Manage billing opens a portal session for the workspace's customer", async () => {
    const a = await account("portal@example.com");
    expect((await call("billing.portal", a.email)).error.data.code).toBe("BAD_REQUEST");
    await subscribe(a);
    const portal = await call("billing.portal", a.email);
    expect(portal.data.url).toMatch(new RegExp(`^${stripe.url}/portal/bps_`));
    const request = stripe.received.filter((r) => r.path === "/v1/billing_portal/sessions").at(-1)!;
    expect(request.body).toEqual({ customer: (await billingRow(a)).stripe_customer_id, return_url: `${t.env.APP_URL}/dashboard/usage?workspace=${a.slug}` });
  });

  it("a member can read the billing status but cannot start checkout or open the portal", async () => {
    const owner = await account("owner@example.com");
    const member = await account("member@example.com");
    const memberUser = await t.db.selectFrom("user").select("id").where("email", "=", member.email).executeTakeFirstOrThrow();
    await t.db
      .insertInto("workspace_member")
      .values({ workspace_id: owner.workspaceId, user_id: memberUser.id, role: "member", created_at: new Date(clock.now).toISOString() })
      .execute();
    const status = await call("billing.status", member.email, undefined, "query", owner.workspaceId);
    expect(status.data).toMatchObject({ enabled: true, plan: "FREE", canManage: false });
    const checkout = await call("billing.checkout", member.email, { plan: "PRO" }, "mutation", owner.workspaceId);
    expect(checkout.error.data.code).toBe("FORBIDDEN");
    expect((await call("billing.portal", member.email, undefined, "mutation", owner.workspaceId)).error.data.code).toBe("FORBIDDEN");
    expect([...stripe.customers.values()].some((c) => c.metadata.workspace_id === owner.workspaceId)).toBe(false);
  });

  it("events about customers PingPilot did not create, and other types, are acknowledged and ignored", async () => {
    const foreign: FakeEvent = {
      id: "evt_foreign_customer",
      object: "event",
      api_version: "2026-10-28.endive",
      created: Math.floor(clock.now / 1000),
      type: "customer.subscription.updated",
      data: { object: { id: "sub_elsewhere", object: "subscription", customer: "cus_elsewhere", status: "active", items: { data: [] } } },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    };
    const other: FakeEvent = { ...foreign, id: "evt_other_type", type: "charge.succeeded", data: { object: { id: "ch_1", object: "charge" } } };
    expect((await stripe.deliver([foreign, other])).map((d) => d.status)).toEqual([200, 200]);
    expect(subscriptionReads("sub_elsewhere")).toBe(0);
  });
});

describe("billing off (no STRIPE_SECRET_KEY)", () => {
  let off: TestApp;
  beforeAll(async () => {
    off = await startTestApp({ env: { DEFAULT_PLAN: "PRO" } });
  });
  afterAll(() => off?.close());

  it("status says disabled, checkout and portal are refused, the webhook route is a 404, plans are DEFAULT_PLAN", async () => {
    const { cookie, key } = await off.signUpWithKey("nobilling@example.com");
    expect((await off.trpc("billing.status", cookie, undefined, "query")).data).toEqual({
      enabled: false,
      plan: "PRO",
      status: "none",
      renewsAt: null,
      cancelsAt: null,
      graceUntil: null,
      scheduledChange: null,
      canManage: true,
    });
    const checkout = await off.trpc("billing.checkout", cookie, { plan: "ENTERPRISE" });
    expect(checkout.error.data.code).toBe("BAD_REQUEST");
    expect(checkout.error.message).toBe("Billing is not enabled on this server.");
    expect((await off.trpc("billing.portal", cookie)).error.data.code).toBe("BAD_REQUEST");
    const hook = await off.request("/api/webhooks/stripe", { method: "POST", body: "{}", headers: { "stripe-signature": "t=1,v1=x" } });
    expect(hook.status).toBe(404);
    expect((await hook.json()).error.code).toBe("NOT_FOUND");
    expect((await (await off.api("/api/v1/quota", key)).json()).plan).toBe("PRO");
    expect(await applyDueBillingChanges(off.services)).toMatchObject({ reviewed: 0, changed: [] });
  });
});

describe("billing configuration", () => {
  const base = { NODE_ENV: "test", DATABASE_URL: ":memory:", AUTH_SECRET: "test-secret-0123456789abcdefghijklmnopqrstuvwxyz", DATA_DIR: "/tmp/pingpilot-env-test" };
  it("STRIPE_SECRET_KEY needs the webhook secret and both prices, one message each", () => {
    let problems: string[] = [];
    try {
      parseEnv({ ...base, STRIPE_SECRET_KEY: "sk_test_x" });
    } catch (err) {
      problems = (err as EnvError).problems;
    }
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set/);
    expect(problems[1]).toMatch(/^STRIPE_PRICE_PRO is required/);
    expect(problems[2]).toMatch(/^STRIPE_PRICE_ENTERPRISE is required/);
  });

  it("with billing on, DEFAULT_PLAN defaults to FREE; a set DEFAULT_PLAN is kept; off, it stays PRO", () => {
    const stripeEnv = { STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x", STRIPE_PRICE_PRO: "price_a", STRIPE_PRICE_ENTERPRISE: "price_b" };
    expect(parseEnv({ ...base, ...stripeEnv }).DEFAULT_PLAN).toBe("FREE");
    expect(parseEnv({ ...base, ...stripeEnv, DEFAULT_PLAN: "PRO" }).DEFAULT_PLAN).toBe("PRO");
    expect(parseEnv(base).DEFAULT_PLAN).toBe("PRO");
  });
});
