/**
 * Billing with Stripe (SPEC §5): Checkout for upgrades, the customer portal for everything else,
 * and webhooks as the only thing that changes a plan.
 *
 * `workspace.plan` stays the effective plan that limits, retention and the API key cache read;
 * this file is what writes it for a workspace with a Stripe customer. The per-workspace state
 * (`workspace_billing`) mirrors the subscription as Stripe last said, plus what PingPilot adds on
 * top: the grace period of a failed payment and a plan held until the end of a period already
 * paid for.
 *
 * Order and replays. Stripe neither orders webhook deliveries nor delivers them once, and an
 * event's `created` has one-second resolution (the events of one Checkout share a second), so
 * an event's own snapshot cannot say which state is the latest. Every event about a
 * subscription is therefore only a cue: the subscription is read again from Stripe's API and
 * that current state is stored. Any delivery order, a replay, or an old event arriving last
 * converges on the state Stripe holds now. Per customer, the read and the write run under one
 * lock (`withCustomerLock`), so two events in flight cannot store an older read last. The event
 * id is inserted (or nothing) in the transaction that applies it, so each event applies once.
 */
import type Stripe from "stripe";
import { toDate } from "@/server/db/db";
import type { Plan } from "@/server/db/types";
import { AppError } from "@/server/errors";
import type { Services } from "@/server/services";
import { hasRole, requireRole, type WorkspaceAccess } from "@/server/workspace/workspace.service";
import type { StripeClient } from "./stripe.client";
import {
  type BillingRow,
  deleteStripeEventsBefore,
  findBillingByCustomer,
  findBillingByWorkspace,
  findStripeEvent,
  insertBillingCustomer,
  insertStripeEventOrNothing,
  listDueBilling,
  updateBillingState,
  updateWorkspacePlan,
  withCustomerLock,
} from "./billing.queries";

/** Processed Stripe event ids are kept this long (Stripe retries for three days). */
const STRIPE_EVENT_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export type PaidPlan = Exclude<Plan, "FREE">;
const RANK: Record<Plan, number> = { FREE: 0, PRO: 1, ENTERPRISE: 2 };
const higher = (a: Plan, b: Plan) => (RANK[a] >= RANK[b] ? a : b);

/** Statuses in which the subscription entitles its plan (until it ends). */
const ACTIVE = new Set(["active", "trialing"]);
/** A payment failed: the plan stays through the grace period. */
const FAILING = new Set(["past_due", "unpaid"]);

export type BillingDeps = Pick<Services, "db" | "env" | "clock" | "stripe" | "logger" | "apiKeyCache">;

/** The subscription as stored: what Stripe said last, plus grace and held plan. */
export type BillingState = {
  subscriptionId: string | null;
  subscriptionPlan: Plan | null;
  status: string;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  paymentFailedAt: Date | null;
  graceUntil: Date | null;
  heldPlan: Plan | null;
  heldUntil: Date | null;
};

const EMPTY: BillingState = {
  subscriptionId: null,
  subscriptionPlan: null,
  status: "none",
  currentPeriodEnd: null,
  cancelAtPeriodEnd: false,
  cancelAt: null,
  paymentFailedAt: null,
  graceUntil: null,
  heldPlan: null,
  heldUntil: null,
};

const date = (v: Date | string | null) => (v === null ? null : toDate(v));
const iso = (d: Date | null) => d?.toISOString() ?? null;
const fromUnix = (seconds: number | null | undefined) => (typeof seconds === "number" ? new Date(seconds * 1000) : null);
const later = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);

export function toBillingState(row: BillingRow): BillingState {
  return {
    subscriptionId: row.stripe_subscription_id,
    subscriptionPlan: row.subscription_plan,
    status: row.status,
    currentPeriodEnd: date(row.current_period_end),
    cancelAtPeriodEnd: Boolean(row.cancel_at_period_end),
    cancelAt: date(row.cancel_at),
    paymentFailedAt: date(row.payment_failed_at),
    graceUntil: date(row.grace_until),
    heldPlan: row.held_plan,
    heldUntil: date(row.held_until),
  };
}

/** When a subscription that is being canceled ends: Stripe's `cancel_at`, or the period end when it cancels at period end. */
const endsAt = (s: BillingState) => s.cancelAt ?? (s.cancelAtPeriodEnd ? s.currentPeriodEnd : null);

/** The plan the subscription itself entitles at `now`. */
function subscriptionEntitlement(s: BillingState, now: Date): Plan {
  const plan = s.subscriptionPlan ?? "FREE";
  if (ACTIVE.has(s.status)) {
    const end = endsAt(s);
    return end && end <= now ? "FREE" : plan;
  }
  if (FAILING.has(s.status)) return s.graceUntil && s.graceUntil > now ? plan : "FREE";
  return "FREE";
}

/** The plan the workspace has at `now`: the subscription's, a plan held until a paid period ends, and never below `base` (DEFAULT_PLAN). */
export function effectivePlan(s: BillingState, now: Date, base: Plan): Plan {
  const held = s.heldPlan && s.heldUntil && s.heldUntil > now ? s.heldPlan : "FREE";
  return higher(higher(subscriptionEntitlement(s, now), held), base);
}

/** The next instant the effective plan can change with no webhook: the billing job looks again then. */
export function nextReview(s: BillingState, now: Date): Date | null {
  const candidates = [ACTIVE.has(s.status) ? endsAt(s) : null, FAILING.has(s.status) ? s.graceUntil : null, s.heldUntil];
  return candidates.filter((d): d is Date => d !== null && d > now).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
}

/** A subscription that still runs or may recover: a second Checkout would start a second one. */
function isLive(s: BillingState, now: Date) {
  if (FAILING.has(s.status)) return true;
  if (!ACTIVE.has(s.status)) return false;
  const end = endsAt(s);
  return !end || end > now;
}

/** Stripe's status, except that a subscription past its cancellation date reads "canceled" before Stripe's event says so. */
function displayStatus(s: BillingState, now: Date) {
  return ACTIVE.has(s.status) && !isLive(s, now) ? "canceled" : s.status;
}

/** Until when the plan before a change was paid for (a running period, or a plan already held). */
function paidUntil(s: BillingState): Date | null {
  const own = ACTIVE.has(s.status) ? (endsAt(s) ?? s.currentPeriodEnd) : null;
  return later(own, s.heldPlan ? s.heldUntil : null);
}

/** What PingPilot reads from a subscription. */
export type SubscriptionView = { id: string; status: string; plan: Plan | null; currentPeriodEnd: Date | null; cancelAtPeriodEnd: boolean; cancelAt: Date | null };

/**
 * The state after reading `sub` from Stripe. A downgrade or cancellation keeps the plan paid for
 * until that period ends (held plan); an upgrade applies at once; a failed payment starts the
 * grace period (BILLING_GRACE_SECONDS: after it the workspace is on FREE until the payment goes
 * through) the first time it is seen (and it is not restarted by later events of the same
 * failure). Reading the same subscription again gives the same state.
 */
export function syncedState(prev: BillingState, sub: SubscriptionView, now: Date, base: Plan, graceSeconds: number): BillingState {
  const failing = FAILING.has(sub.status);
  const paymentFailedAt = failing ? (prev.subscriptionId === sub.id && prev.paymentFailedAt) || now : null;
  const next: BillingState = {
    subscriptionId: sub.id,
    subscriptionPlan: sub.plan,
    status: sub.status,
    currentPeriodEnd: sub.currentPeriodEnd,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    cancelAt: sub.cancelAt,
    paymentFailedAt,
    graceUntil: paymentFailedAt ? new Date(paymentFailedAt.getTime() + graceSeconds * 1000) : null,
    heldPlan: null,
    heldUntil: null,
  };
  const before = effectivePlan(prev, now, base);
  const after = higher(subscriptionEntitlement(next, now), base);
  const paidThrough = paidUntil(prev);
  if (RANK[after] < RANK[before] && paidThrough && paidThrough > now) return { ...next, heldPlan: before, heldUntil: paidThrough };
  return next;
}

function planOfPrice(env: Services["env"], priceId: string | undefined): Plan | null {
  if (priceId && priceId === env.STRIPE_PRICE_ENTERPRISE) return "ENTERPRISE";
  if (priceId && priceId === env.STRIPE_PRICE_PRO) return "PRO";
  return null;
}

const idOf = (v: string | { id: string } | null | undefined) => (typeof v === "string" ? v : (v?.id ?? undefined));

/** The plan (highest known price among the items), the period end (on the items since API version 2025-03-31) and the cancellation. */
export function viewOf(env: Services["env"], sub: Stripe.Subscription): SubscriptionView {
  let plan: Plan | null = null;
  let periodEnd: number | undefined;
  for (const item of sub.items?.data ?? []) {
    const itemPlan = planOfPrice(env, item.price?.id);
    if (itemPlan) plan = plan ? higher(plan, itemPlan) : itemPlan;
    if (typeof item.current_period_end === "number") periodEnd = Math.max(periodEnd ?? 0, item.current_period_end);
  }
  return { id: sub.id, status: sub.status, plan, currentPeriodEnd: fromUnix(periodEnd), cancelAtPeriodEnd: Boolean(sub.cancel_at_period_end), cancelAt: fromUnix(sub.cancel_at) };
}

function stripeOrRefuse(s: Pick<Services, "stripe">): StripeClient {
  if (!s.stripe) throw new AppError("BAD_REQUEST", "Billing is not enabled on this server.");
  return s.stripe;
}

function priceOf(env: Services["env"], plan: PaidPlan) {
  const price = plan === "PRO" ? env.STRIPE_PRICE_PRO : env.STRIPE_PRICE_ENTERPRISE;
  if (!price) throw new AppError("BAD_REQUEST", `No Stripe price is configured for ${plan}.`);
  return price;
}

const usagePage = (env: Services["env"], ws: Pick<WorkspaceAccess, "slug">) => `${env.APP_URL}/dashboard/usage?workspace=${encodeURIComponent(ws.slug)}`;

// ---------------------------------------------------------------------------------------------
// The billing page

/** The billing page's data: plan, subscription status, renewal / cancellation / grace dates, and whether the viewer may manage it. */
export async function getBillingStatus({ db, env, stripe, clock }: Pick<Services, "db" | "env" | "stripe" | "clock">, ws: WorkspaceAccess) {
  const canManage = hasRole(ws, "admin");
  const row = stripe ? await findBillingByWorkspace(db, ws.id) : undefined;
  const state = row ? toBillingState(row) : EMPTY;
  const now = clock();
  const status = displayStatus(state, now);
  const running = ACTIVE.has(state.status) && isLive(state, now);
  const held =
    state.heldPlan && state.heldUntil && state.heldUntil > now
      ? { plan: effectivePlan({ ...state, heldPlan: null, heldUntil: null }, state.heldUntil, env.DEFAULT_PLAN), at: state.heldUntil.toISOString() }
      : null;
  return {
    enabled: stripe !== null,
    plan: ws.plan,
    status,
    renewsAt: running && !endsAt(state) ? iso(state.currentPeriodEnd) : null,
    cancelsAt: ACTIVE.has(state.status) ? iso(endsAt(state)) : null,
    graceUntil: FAILING.has(state.status) ? iso(state.graceUntil) : null,
    /** A downgrade or cancellation waiting for the end of the period already paid for. */
    scheduledChange: held,
    canManage,
  };
}

/** The workspace's Stripe customer: created once (the idempotency key makes concurrent first checkouts create one) and reused. */
async function customerOf({ db, clock }: Pick<Services, "db" | "clock">, stripe: StripeClient, ws: WorkspaceAccess, email: string | undefined) {
  const existing = await findBillingByWorkspace(db, ws.id);
  if (existing) return existing.stripe_customer_id;
  const customer = await stripe.customers.create({ name: ws.name, email, metadata: { workspace_id: ws.id } }, { idempotencyKey: `pingpilot-customer-${ws.id}` });
  await insertBillingCustomer(db, { workspaceId: ws.id, customerId: customer.id }, clock().toISOString());
  const stored = await findBillingByWorkspace(db, ws.id);
  if (!stored) throw new AppError("NOT_FOUND", "Workspace not found.");
  return stored.stripe_customer_id;
}

/**
 * A Stripe Checkout session (subscription mode) for the workspace: admins and owners only. The
 * plan changes when Stripe's webhooks say the subscription exists, never from the redirect back.
 */
export async function startCheckout(s: Pick<Services, "db" | "env" | "stripe" | "clock">, ws: WorkspaceAccess, user: { email: string }, plan: PaidPlan) {
  requireRole(ws, "admin");
  const stripe = stripeOrRefuse(s);
  const row = await findBillingByWorkspace(s.db, ws.id);
  if (row && isLive(toBillingState(row), s.clock())) throw new AppError("CONFLICT", "This workspace already has a subscription. Use Manage billing to change or cancel it.");
  const price = priceOf(s.env, plan);
  const customer = await customerOf(s, stripe, ws, user.email);
  const back = `${usagePage(s.env, ws)}&checkout=`;
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer,
    client_reference_id: ws.id,
    metadata: { workspace_id: ws.id },
    subscription_data: { metadata: { workspace_id: ws.id } },
    line_items: [{ price, quantity: 1 }],
    success_url: `${back}success`,
    cancel_url: `${back}canceled`,
  });
  if (!session.url) throw new Error(`Stripe returned Checkout session ${session.id} without a URL`);
  return { url: session.url };
}

/** A Stripe customer portal session ("Manage billing"): change plan, payment method, cancel. Admins and owners only. */
export async function openBillingPortal(s: Pick<Services, "db" | "env" | "stripe">, ws: WorkspaceAccess) {
  requireRole(ws, "admin");
  const stripe = stripeOrRefuse(s);
  const row = await findBillingByWorkspace(s.db, ws.id);
  if (!row) throw new AppError("BAD_REQUEST", "This workspace has no billing account yet. Choose a plan first.");
  const session = await stripe.billingPortal.sessions.create({ customer: row.stripe_customer_id, return_url: usagePage(s.env, ws) });
  return { url: session.url };
}

// ---------------------------------------------------------------------------------------------
// Webhooks

/** The events that say something about a workspace's subscription. */
const HANDLED = new Set(["checkout.session.completed", "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted", "invoice.paid", "invoice.payment_failed"]);

/** Which customer and subscription an event is about; undefined for anything else. */
function subjectOf(event: Stripe.Event): { customerId: string; subscriptionId: string } | undefined {
  if (!HANDLED.has(event.type)) return undefined;
  const object = event.data.object as unknown as { object?: string };
  let customerId: string | undefined;
  let subscriptionId: string | undefined;
  if (object.object === "checkout.session") {
    const session = object as unknown as Stripe.Checkout.Session;
    if (session.mode !== "subscription") return undefined;
    customerId = idOf(session.customer);
    subscriptionId = idOf(session.subscription);
  } else if (object.object === "subscription") {
    const sub = object as unknown as Stripe.Subscription;
    customerId = idOf(sub.customer);
    subscriptionId = sub.id;
  } else if (object.object === "invoice") {
    const invoice = object as unknown as Stripe.Invoice;
    customerId = idOf(invoice.customer);
    subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
  }
  return customerId && subscriptionId ? { customerId, subscriptionId } : undefined;
}

export type WebhookOutcome = { duplicate: boolean; applied: boolean; workspaceId: string | null };

/** The event, verified by the library on the raw body with the endpoint's secret and the services' clock; 400 otherwise. */
function verifiedEvent(s: BillingDeps, stripe: StripeClient, payload: Buffer, signature: string | undefined): Stripe.Event {
  try {
    return stripe.webhooks.constructEvent(payload, signature ?? "", s.env.STRIPE_WEBHOOK_SECRET ?? "", undefined, undefined, s.clock().getTime());
  } catch (err) {
    s.logger.warn({ reason: err instanceof Error ? err.message.split("\n")[0] : "unknown" }, "stripe webhook refused: signature not valid");
    throw new AppError("BAD_REQUEST", "The Stripe-Signature header does not match this body.");
  }
}

/** The subscription as Stripe holds it now; undefined when Stripe no longer knows it. */
async function readSubscription(stripe: StripeClient, id: string) {
  try {
    return await stripe.subscriptions.retrieve(id);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/**
 * POST /api/webhooks/stripe: verifies the signature, then applies the event once. Events of
 * customers PingPilot did not create, and types it does not handle, are recorded and ignored.
 * Any other failure (Stripe unreachable) throws, nothing is recorded, and Stripe retries.
 */
export async function receiveStripeWebhook(s: BillingDeps, payload: Buffer, signature: string | undefined): Promise<WebhookOutcome> {
  const stripe = s.stripe;
  if (!stripe) throw new AppError("NOT_FOUND", "Billing is not enabled on this server.");
  const event = verifiedEvent(s, stripe, payload, signature);
  const record = { id: event.id, type: event.type, createdAt: new Date(event.created * 1000).toISOString() };
  const subject = subjectOf(event);
  if (!subject) {
    const inserted = await insertStripeEventOrNothing(s.db, { ...record, workspaceId: null }, s.clock().toISOString());
    return { duplicate: !inserted, applied: false, workspaceId: null };
  }
  const outcome = await withCustomerLock(s.db, subject.customerId, async ({ db, transaction }): Promise<WebhookOutcome & { planChanged: boolean }> => {
    if (await findStripeEvent(db, event.id)) return { duplicate: true, applied: false, workspaceId: null, planChanged: false };
    const billing = await findBillingByCustomer(db, subject.customerId);
    const sub = billing ? await readSubscription(stripe, subject.subscriptionId) : undefined;
    return transaction(async (trx) => {
      const now = s.clock();
      const current = await findBillingByCustomer(trx, subject.customerId);
      const workspaceId = current?.workspace_id ?? null;
      if (!(await insertStripeEventOrNothing(trx, { ...record, workspaceId }, now.toISOString()))) return { duplicate: true, applied: false, workspaceId, planChanged: false };
      if (!current || !sub) return { duplicate: false, applied: false, workspaceId, planChanged: false };
      const prev = toBillingState(current);
      // A new subscription replaces one that has ended, never one that still runs (a stray second subscription is left alone).
      if (prev.subscriptionId && prev.subscriptionId !== sub.id && isLive(prev, now)) {
        s.logger.warn({ workspaceId, kept: prev.subscriptionId, ignored: sub.id }, "stripe: a second subscription for a workspace that has one running; ignored");
        return { duplicate: false, applied: false, workspaceId, planChanged: false };
      }
      const next = syncedState(prev, viewOf(s.env, sub), now, s.env.DEFAULT_PLAN, s.env.BILLING_GRACE_SECONDS);
      const planChanged = await storeState(trx, current.workspace_id, next, now, s.env.DEFAULT_PLAN, true);
      return { duplicate: false, applied: true, workspaceId, planChanged };
    });
  });
  if (outcome.planChanged && outcome.workspaceId) await s.apiKeyCache.evictWorkspaces([outcome.workspaceId]);
  return { duplicate: outcome.duplicate, applied: outcome.applied, workspaceId: outcome.workspaceId };
}

/** Writes the state, when to look again, and the effective plan; true when the plan changed. */
async function storeState(trx: Services["db"], workspaceId: string, state: BillingState, now: Date, base: Plan, synced: boolean) {
  const at = now.toISOString();
  await updateBillingState(
    trx,
    workspaceId,
    {
      stripe_subscription_id: state.subscriptionId,
      subscription_plan: state.subscriptionPlan,
      status: state.status,
      current_period_end: iso(state.currentPeriodEnd),
      // 1/0: SQLite binds no booleans, and PostgreSQL reads them as boolean.
      cancel_at_period_end: state.cancelAtPeriodEnd ? 1 : 0,
      cancel_at: iso(state.cancelAt),
      payment_failed_at: iso(state.paymentFailedAt),
      grace_until: iso(state.graceUntil),
      held_plan: state.heldPlan,
      held_until: iso(state.heldUntil),
      review_at: iso(nextReview(state, now)),
      ...(synced && { synced_at: at }),
    },
    at,
  );
  return updateWorkspacePlan(trx, workspaceId, effectivePlan(state, now, base), at);
}

// ---------------------------------------------------------------------------------------------
// Time-based changes (billing.job.ts)

const SWEEP_BATCH = 100;

/**
 * Applies every plan change that is due by the clock even when no webhook comes: the end of a
 * period after a cancellation, a held plan running out, the end of a grace period. Each
 * workspace is recomputed from its stored state under the customer's lock (a webhook in flight
 * goes first or after, never between). Also forgets Stripe event ids older than 90 days.
 */
export async function applyDueBillingChanges(s: Pick<Services, "db" | "env" | "clock" | "apiKeyCache">) {
  let reviewed = 0;
  const changed: string[] = [];
  for (let round = 0; round < 1000; round++) {
    const due = await listDueBilling(s.db, s.clock().toISOString(), SWEEP_BATCH);
    for (const { workspace_id: workspaceId, stripe_customer_id: customerId } of due) {
      const planChanged = await withCustomerLock(s.db, customerId, ({ transaction }) =>
        transaction(async (trx) => {
          const row = await findBillingByCustomer(trx, customerId);
          if (!row) return false;
          const now = s.clock();
          return storeState(trx, row.workspace_id, toBillingState(row), now, s.env.DEFAULT_PLAN, false);
        }),
      );
      reviewed++;
      if (planChanged) changed.push(workspaceId);
    }
    if (due.length < SWEEP_BATCH) break;
  }
  if (changed.length) await s.apiKeyCache.evictWorkspaces(changed);
  const forgotten = await deleteStripeEventsBefore(s.db, new Date(s.clock().getTime() - STRIPE_EVENT_RETENTION_DAYS * DAY_MS).toISOString());
  return { reviewed, changed, forgottenEvents: forgotten };
}
