/**
 * A local Stripe for billing, spoken to by the official `stripe` library (STRIPE_API_URL): the
 * endpoints PingPilot calls, with form-encoded bodies (`a[b][0][c]=v`) as the library sends them,
 * the secret key checked, Idempotency-Key honoured, and Stripe-shaped objects and errors
 * (`{"error":{"type","message","param","code"}}`).
 *
 *   POST /v1/customers                      POST /v1/checkout/sessions   GET /v1/checkout/sessions/:id
 *   GET|POST /v1/subscriptions/:id          POST /v1/billing_portal/sessions
 *
 * A fake hosted Checkout page, `GET /pay/<session id>`, "pays": it creates the subscription, then
 * sends checkout.session.completed, customer.subscription.created and invoice.paid to PingPilot's
 * webhook, signed as Stripe signs them (stripe.webhooks.generateTestHeaderString), and redirects
 * to the session's success_url. Test helpers move subscriptions on the way Stripe would (cancel
 * at period end, end a period, fail or recover a payment, change plan) and send the matching
 * events; `hold()` keeps events back so a test can deliver them in any order, twice, or at once.
 * Every timestamp comes from `clock` (the test app's), so signatures verify under a moved clock.
 */
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from "./fake-http";

type Plan = "PRO" | "ENTERPRISE";
type Metadata = Record<string, string>;

export type FakeCustomer = { id: string; object: "customer"; created: number; email: string | null; name: string | null; metadata: Metadata; livemode: false };
export type FakeCheckoutSession = {
  id: string;
  object: "checkout.session";
  created: number;
  expires_at: number;
  mode: string;
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  customer: string | null;
  client_reference_id: string | null;
  metadata: Metadata;
  success_url: string;
  cancel_url: string | null;
  url: string | null;
  subscription: string | null;
  livemode: false;
  /** Not part of Stripe's object (it is behind `line_items`); kept for `pay`. */
  _price: string;
  _subscriptionMetadata: Metadata;
};
export type FakePrice = { id: string; object: "price"; active: true; currency: "usd"; unit_amount: number; recurring: { interval: "month"; interval_count: 1 }; type: "recurring"; livemode: false };
export type FakeSubscription = {
  id: string;
  object: "subscription";
  created: number;
  start_date: number;
  customer: string;
  status: string;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  ended_at: number | null;
  latest_invoice: string | null;
  metadata: Metadata;
  items: {
    object: "list";
    has_more: false;
    url: string;
    data: { id: string; object: "subscription_item"; created: number; price: FakePrice; quantity: 1; subscription: string; current_period_start: number; current_period_end: number }[];
  };
  livemode: false;
};
export type FakeInvoice = {
  id: string;
  object: "invoice";
  created: number;
  customer: string;
  status: "open" | "paid";
  attempt_count: number;
  amount_due: number;
  amount_paid: number;
  currency: "usd";
  period_start: number;
  period_end: number;
  billing_reason: string;
  parent: { type: "subscription_details"; quote_details: null; subscription_details: { subscription: string; metadata: Metadata } };
  livemode: false;
};
export type FakeEvent = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  type: string;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
};

/** Where events go: a URL (POSTed with fetch), or a function (a test app's in-process request). */
export type WebhookTarget = string | ((body: string, headers: Record<string, string>) => Promise<{ status: number }>);
export type Delivery = { eventId: string; type: string; status: number };

export type StripeFake = FakeServer & {
  /** What STRIPE_API_URL should be. */
  apiUrl: string;
  secretKey: string;
  webhookSecret: string;
  prices: Record<Plan, string>;
  /** The STRIPE_* variables that point PingPilot at this fake. */
  env: Record<string, string>;
  /** Where events are sent; set it once the app exists. */
  webhook: WebhookTarget | undefined;
  customers: Map<string, FakeCustomer>;
  sessions: Map<string, FakeCheckoutSession>;
  subscriptions: Map<string, FakeSubscription>;
  invoices: Map<string, FakeInvoice>;
  /** Every event made, in order. */
  events: FakeEvent[];
  /** Every webhook delivery and PingPilot's answer. */
  deliveries: Delivery[];
  /** Paying on the hosted page: what `GET /pay/<id>` does, without following the redirect. */
  pay(sessionId: string): Promise<{ subscription: FakeSubscription; events: FakeEvent[] }>;
  cancelAtPeriodEnd(subscriptionId: string): Promise<FakeEvent[]>;
  /** Undoes a cancellation at period end (as the portal's "Renew"). */
  resume(subscriptionId: string): Promise<FakeEvent[]>;
  /** The current period ends: renewed (invoice.paid) or, when canceling at period end, deleted. */
  endPeriod(subscriptionId: string): Promise<FakeEvent[]>;
  /** The renewal payment fails: invoice.payment_failed, the subscription past_due. */
  failPayment(subscriptionId: string): Promise<FakeEvent[]>;
  /** The open invoice is paid after all: invoice.paid, the subscription active again. */
  recoverPayment(subscriptionId: string): Promise<FakeEvent[]>;
  changePlan(subscriptionId: string, plan: Plan): Promise<FakeEvent[]>;
  /** Canceled at once (customer.subscription.deleted). */
  cancelNow(subscriptionId: string): Promise<FakeEvent[]>;
  /** Keep new events back instead of sending them (`held`), until `release()`. */
  hold(): void;
  held: FakeEvent[];
  /** Stops holding; sends nothing (deliver `held` yourself, in any order). */
  release(): FakeEvent[];
  /** Sends events (again), one after another, or all at once with `concurrent`. */
  deliver(events: FakeEvent | FakeEvent[], opts?: { concurrent?: boolean }): Promise<Delivery[]>;
  /** The body and Stripe-Signature header Stripe would send for `event` (`secret` to sign wrongly). */
  signed(event: FakeEvent, secret?: string): { body: string; headers: Record<string, string> };
};

const API_VERSION = "2026-10-28.endive";
const AMOUNTS: Record<Plan, number> = { PRO: 2900, ENTERPRISE: 4900 };

/** Parses a form body the way Stripe does: `a[b][0][c]=v` → { a: { b: [ { c: "v" } ] } }. */
export function parseStripeForm(raw: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = key.split(/\[|\]\[|\]/).filter((p, i) => i === 0 || p !== "");
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const slot = node as Record<string, unknown>;
      if (last) slot[part] = value;
      else node = (slot[part] ??= nextIsIndex ? [] : {}) as Record<string, unknown> | unknown[];
    });
  }
  return root;
}

export async function startStripeFake(opts: { port?: number; clock?: () => Date; webhook?: WebhookTarget; secretKey?: string; webhookSecret?: string } = {}): Promise<StripeFake> {
  const clock = opts.clock ?? (() => new Date());
  const now = () => Math.floor(clock().getTime() / 1000);
  const secretKey = opts.secretKey ?? "sk_test_pingpilot_fake";
  const webhookSecret = opts.webhookSecret ?? "whsec_pingpilot_fake";
  const prices: Record<Plan, string> = { PRO: "price_fake_pro_monthly", ENTERPRISE: "price_fake_enterprise_monthly" };
  const priceObjects = new Map<string, FakePrice>(
    (Object.keys(prices) as Plan[]).map((plan) => [
      prices[plan],
      { id: prices[plan], object: "price", active: true, currency: "usd", unit_amount: AMOUNTS[plan], recurring: { interval: "month", interval_count: 1 }, type: "recurring", livemode: false },
    ]),
  );
  const customers = new Map<string, FakeCustomer>();
  const sessions = new Map<string, FakeCheckoutSession>();
  const subscriptions = new Map<string, FakeSubscription>();
  const invoices = new Map<string, FakeInvoice>();
  const idempotent = new Map<string, { rawBody: string; path: string; reply: FakeReply }>();
  const events: FakeEvent[] = [];
  const deliveries: Delivery[] = [];
  const held: FakeEvent[] = [];
  let holding = false;
  // The library's webhook helpers (signing) need no key; this instance never calls the API.
  const signer = new Stripe("sk_test_signer_only");

  const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
  const json = (status: number, body: unknown): FakeReply => ({ status, body, headers: { "request-id": id("req"), "stripe-version": API_VERSION } });
  const error = (status: number, message: string, extra: { type?: string; param?: string; code?: string } = {}): FakeReply =>
    json(status, { error: { type: extra.type ?? "invalid_request_error", message, ...(extra.param && { param: extra.param }), ...(extra.code && { code: extra.code }) } });
  const missing = (what: string, value: string, param?: string) => error(param ? 400 : 404, `No such ${what}: '${value}'`, { code: "resource_missing", param });
  const required = (param: string) => error(400, `Missing required param: ${param}.`, { param, code: "parameter_missing" });
  const metadataOf = (v: unknown): Metadata =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)])) : {};
  const isUrl = (v: unknown) => typeof v === "string" && /^https?:\/\/\S+$/.test(v);

  /** One month on, the same day of the month (clamped), as Stripe bills monthly prices. */
  const monthAfter = (seconds: number) => {
    const d = new Date(seconds * 1000);
    const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
    const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
    return Math.floor(target.getTime() / 1000);
  };
  const copy = <T>(v: T): T => structuredClone(v);
  const periodEnd = (sub: FakeSubscription) => sub.items.data[0]!.current_period_end;

  function event(type: string, object: unknown, previous?: Record<string, unknown>): FakeEvent {
    const e: FakeEvent = {
      id: id("evt"),
      object: "event",
      api_version: API_VERSION,
      created: now(),
      type,
      data: { object: copy(object), ...(previous && { previous_attributes: previous }) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    };
    events.push(e);
    return e;
  }

  function signed(e: FakeEvent, secret = webhookSecret) {
    const body = JSON.stringify(e, null, 2);
    const signature = signer.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now() });
    return { body, headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature, "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" } };
  }

  async function send(e: FakeEvent): Promise<Delivery> {
    const target = fake.webhook;
    if (!target) throw new Error("stripe fake: no webhook target set");
    const { body, headers } = signed(e);
    const res = typeof target === "string" ? await fetch(target, { method: "POST", body, headers, signal: AbortSignal.timeout(30_000) }) : await target(body, headers);
    const delivery = { eventId: e.id, type: e.type, status: res.status };
    deliveries.push(delivery);
    return delivery;
  }

  async function deliver(list: FakeEvent | FakeEvent[], o: { concurrent?: boolean } = {}) {
    const all = Array.isArray(list) ? list : [list];
    if (o.concurrent) return Promise.all(all.map(send));
    const out: Delivery[] = [];
    for (const e of all) out.push(await send(e));
    return out;
  }

  /** New events go out at once, in order, unless held. */
  async function emit(list: FakeEvent[]) {
    if (holding) held.push(...list);
    else await deliver(list);
    return list;
  }

  function newInvoice(sub: FakeSubscription, status: FakeInvoice["status"], reason: string): FakeInvoice {
    const item = sub.items.data[0]!;
    const invoice: FakeInvoice = {
      id: id("in"),
      object: "invoice",
      created: now(),
      customer: sub.customer,
      status,
      attempt_count: 1,
      amount_due: item.price.unit_amount,
      amount_paid: status === "paid" ? item.price.unit_amount : 0,
      currency: "usd",
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      billing_reason: reason,
      parent: { type: "subscription_details", quote_details: null, subscription_details: { subscription: sub.id, metadata: { ...sub.metadata } } },
      livemode: false,
    };
    invoices.set(invoice.id, invoice);
    sub.latest_invoice = invoice.id;
    return invoice;
  }

  function subscriptionOrThrow(subscriptionId: string) {
    const sub = subscriptions.get(subscriptionId);
    if (!sub) throw new Error(`stripe fake: no subscription ${subscriptionId}`);
    return sub;
  }

  async function pay(sessionId: string) {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`stripe fake: no checkout session ${sessionId}`);
    if (session.status !== "open") throw new Error(`stripe fake: checkout session ${sessionId} is ${session.status}`);
    let customerId = session.customer;
    if (!customerId) {
      const customer: FakeCustomer = { id: id("cus"), object: "customer", created: now(), email: null, name: null, metadata: {}, livemode: false };
      customers.set(customer.id, customer);
      customerId = customer.id;
    }
    const start = now();
    const subId = id("sub");
    const sub: FakeSubscription = {
      id: subId,
      object: "subscription",
      created: start,
      start_date: start,
      customer: customerId,
      status: "active",
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      latest_invoice: null,
      metadata: { ...session._subscriptionMetadata },
      items: {
        object: "list",
        has_more: false,
        url: `/v1/subscription_items?subscription=${subId}`,
        data: [
          {
            id: id("si"),
            object: "subscription_item",
            created: start,
            price: copy(priceObjects.get(session._price)!),
            quantity: 1,
            subscription: subId,
            current_period_start: start,
            current_period_end: monthAfter(start),
          },
        ],
      },
      livemode: false,
    };
    subscriptions.set(subId, sub);
    const invoice = newInvoice(sub, "paid", "subscription_create");
    Object.assign(session, { status: "complete", payment_status: "paid", customer: customerId, subscription: subId, url: null });
    const list = [event("checkout.session.completed", publicSession(session)), event("customer.subscription.created", sub), event("invoice.paid", invoice)];
    await emit(list);
    return { subscription: copy(sub), events: list };
  }

  const publicSession = (s: FakeCheckoutSession) => {
    const { _price, _subscriptionMetadata, ...rest } = s;
    return rest;
  };

  // --- the API ---------------------------------------------------------------------------------

  function createCustomer(params: Record<string, unknown>): FakeReply {
    const customer: FakeCustomer = {
      id: id("cus"),
      object: "customer",
      created: now(),
      email: typeof params.email === "string" ? params.email : null,
      name: typeof params.name === "string" ? params.name : null,
      metadata: metadataOf(params.metadata),
      livemode: false,
    };
    customers.set(customer.id, customer);
    return json(200, customer);
  }

  function createCheckoutSession(params: Record<string, unknown>): FakeReply {
    if (!params.mode) return required("mode");
    if (!["payment", "setup", "subscription"].includes(String(params.mode))) return error(400, `Invalid mode: must be one of payment, setup, or subscription`, { param: "mode" });
    if (params.mode !== "subscription") return error(400, "This fake supports mode=subscription only.", { param: "mode" });
    const items = params.line_items as { price?: string; quantity?: string }[] | undefined;
    if (!Array.isArray(items) || items.length === 0) return error(400, "You must provide at least one recurring price in `subscription` mode when using prices.", { param: "line_items" });
    if (items.length > 1) return error(400, "This fake supports one line item.", { param: "line_items" });
    const price = items[0]?.price;
    if (!price) return required("line_items[0][price]");
    if (!priceObjects.has(price)) return missing("price", price, "line_items[0][price]");
    if (items[0]?.quantity !== undefined && !/^[1-9]\d*$/.test(items[0].quantity)) return error(400, "Invalid positive integer", { param: "line_items[0][quantity]" });
    const customer = params.customer;
    if (customer !== undefined && (typeof customer !== "string" || !customers.has(customer))) return missing("customer", String(customer), "customer");
    if (!isUrl(params.success_url)) return params.success_url === undefined ? required("success_url") : error(400, "Not a valid URL", { param: "success_url" });
    if (params.cancel_url !== undefined && !isUrl(params.cancel_url)) return error(400, "Not a valid URL", { param: "cancel_url" });
    const ref = params.client_reference_id;
    if (ref !== undefined && (typeof ref !== "string" || ref.length > 200)) return error(400, "client_reference_id must be at most 200 characters", { param: "client_reference_id" });
    const sessionId = `cs_test_${randomBytes(24).toString("hex")}`;
    const created = now();
    const session: FakeCheckoutSession = {
      id: sessionId,
      object: "checkout.session",
      created,
      expires_at: created + 24 * 3600,
      mode: "subscription",
      status: "open",
      payment_status: "unpaid",
      customer: (customer as string | undefined) ?? null,
      client_reference_id: (ref as string | undefined) ?? null,
      metadata: metadataOf(params.metadata),
      success_url: params.success_url as string,
      cancel_url: (params.cancel_url as string | undefined) ?? null,
      url: `${server.url}/pay/${sessionId}`,
      subscription: null,
      livemode: false,
      _price: price,
      _subscriptionMetadata: metadataOf((params.subscription_data as { metadata?: unknown } | undefined)?.metadata),
    };
    sessions.set(sessionId, session);
    return json(200, publicSession(session));
  }

  async function updateSubscription(sub: FakeSubscription, params: Record<string, unknown>): Promise<FakeReply> {
    const previous: Record<string, unknown> = {};
    if (params.cancel_at_period_end !== undefined) {
      if (!["true", "false"].includes(String(params.cancel_at_period_end))) return error(400, "Invalid boolean", { param: "cancel_at_period_end" });
      if (sub.status === "canceled") return error(400, "A canceled subscription can only update its cancellation_details and metadata.", { code: "resource_missing" });
      previous.cancel_at_period_end = sub.cancel_at_period_end;
      sub.cancel_at_period_end = params.cancel_at_period_end === "true";
      sub.canceled_at = sub.cancel_at_period_end ? now() : null;
    }
    const items = params.items as { id?: string; price?: string }[] | undefined;
    if (items?.[0]?.price) {
      if (!priceObjects.has(items[0].price)) return missing("price", items[0].price, "items[0][price]");
      previous.items = copy(sub.items);
      sub.items.data[0]!.price = copy(priceObjects.get(items[0].price)!);
    }
    if (params.metadata !== undefined) {
      previous.metadata = { ...sub.metadata };
      sub.metadata = { ...sub.metadata, ...metadataOf(params.metadata) };
    }
    if (Object.keys(previous).length) await emit([event("customer.subscription.updated", sub, previous)]);
    return json(200, sub);
  }

  const handle = async (req: FakeRequest): Promise<FakeReply> => {
    // The hosted pages (no API key: the customer's browser).
    const page = /^\/(pay|portal)\/([A-Za-z0-9_]+)$/.exec(req.path);
    if (page && req.method === "GET") {
      if (page[1] === "pay") {
        const session = sessions.get(page[2]!);
        if (session?.status !== "open") return { status: 404, body: "This Checkout session is not open." };
        await pay(session.id);
        return { status: 303, headers: { location: session.success_url } };
      }
      return { status: 200, body: "Stripe customer portal (fake). Use the fake's helpers to change the subscription.", headers: { "content-type": "text/plain; charset=utf-8" } };
    }

    if (!req.path.startsWith("/v1/")) return error(404, `Unrecognized request URL (${req.method}: ${req.path}).`);
    const auth = req.headers.authorization;
    if (!auth) return error(401, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
    if (auth !== `Bearer ${secretKey}`) return error(401, `Invalid API Key provided: ${auth.replace(/^Bearer\s+/, "").slice(0, 8)}****`);

    const params = req.method === "POST" ? parseStripeForm(req.rawBody) : req.query;
    if (req.method === "POST" && req.rawBody && !String(req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
      return error(400, "Invalid request: Stripe takes application/x-www-form-urlencoded bodies.");
    }
    const key = req.headers["idempotency-key"];
    const idempotencyKey = typeof key === "string" ? key : undefined;
    if (req.method === "POST" && idempotencyKey) {
      const seen = idempotent.get(idempotencyKey);
      if (seen) {
        if (seen.rawBody !== req.rawBody || seen.path !== req.path)
          return error(400, `Keys for idempotent requests can only be used with the same parameters they were first used with.`, { type: "idempotency_error" });
        return { ...seen.reply, headers: { ...seen.reply.headers, "idempotent-replayed": "true" } };
      }
    }

    const reply = await route(req, params);
    if (req.method === "POST" && idempotencyKey && reply.status < 500) idempotent.set(idempotencyKey, { rawBody: req.rawBody, path: req.path, reply });
    return reply;
  };

  async function route(req: FakeRequest, params: Record<string, unknown>): Promise<FakeReply> {
    const { method, path } = req;
    if (method === "POST" && path === "/v1/customers") return createCustomer(params);
    if (method === "POST" && path === "/v1/checkout/sessions") return createCheckoutSession(params);
    const session = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (session && method === "GET") {
      const found = sessions.get(session[1]!);
      return found ? json(200, publicSession(found)) : missing("checkout.session", session[1]!);
    }
    const subscription = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (subscription && (method === "GET" || method === "POST")) {
      const found = subscriptions.get(subscription[1]!);
      if (!found) return missing("subscription", subscription[1]!);
      return method === "GET" ? json(200, found) : updateSubscription(found, params);
    }
    if (method === "POST" && path === "/v1/billing_portal/sessions") {
      const customer = params.customer;
      if (customer === undefined) return required("customer");
      if (typeof customer !== "string" || !customers.has(customer)) return missing("customer", String(customer), "customer");
      if (params.return_url !== undefined && !isUrl(params.return_url)) return error(400, "Not a valid URL", { param: "return_url" });
      const portalId = id("bps");
      return json(200, {
        id: portalId,
        object: "billing_portal.session",
        created: now(),
        customer,
        return_url: params.return_url ?? null,
        url: `${server.url}/portal/${portalId}`,
        livemode: false,
        flow: null,
        locale: null,
        configuration: "bpc_fake",
        on_behalf_of: null,
      });
    }
    return error(404, `Unrecognized request URL (${method}: ${path}).`);
  }

  const server = await startFakeServer({
    port: opts.port,
    handle,
    failure: (failure) => ({
      status: failure.status,
      body: failure.body ?? { error: { type: failure.status === 429 ? "invalid_request_error" : "api_error", message: failure.status === 429 ? "Too many requests." : "An unknown error occurred." } },
      headers: { ...(failure.retryAfter !== undefined && { "retry-after": String(failure.retryAfter) }), ...failure.headers },
    }),
  });

  // --- test helpers ----------------------------------------------------------------------------

  const helpers = {
    async cancelAtPeriodEnd(subscriptionId: string) {
      const sub = subscriptionOrThrow(subscriptionId);
      const previous = { cancel_at_period_end: sub.cancel_at_period_end, canceled_at: sub.canceled_at };
      Object.assign(sub, { cancel_at_period_end: true, canceled_at: now() });
      return emit([event("customer.subscription.updated", sub, previous)]);
    },
    async resume(subscriptionId: string) {
      const sub = subscriptionOrThrow(subscriptionId);
      const previous = { cancel_at_period_end: sub.cancel_at_period_end, canceled_at: sub.canceled_at };
      Object.assign(sub, { cancel_at_period_end: false, canceled_at: null });
      return emit([event("customer.subscription.updated", sub, previous)]);
    },
    async endPeriod(subscriptionId: string) {
      const sub = subscriptionOrThrow(subscriptionId);
      if (sub.cancel_at_period_end) {
        const previous = { status: sub.status, ended_at: null };
        Object.assign(sub, { status: "canceled", ended_at: periodEnd(sub) });
        return emit([event("customer.subscription.deleted", sub, previous)]);
      }
      const item = sub.items.data[0]!;
      const previous = { items: copy(sub.items) };
      item.current_period_start = item.current_period_end;
      item.current_period_end = monthAfter(item.current_period_end);
      const invoice = newInvoice(sub, "paid", "subscription_cycle");
      return emit([event("customer.subscription.updated", sub, previous), event("invoice.paid", invoice)]);
    },
    async failPayment(subscriptionId: string) {
      const sub = subscriptionOrThrow(subscriptionId);
      const invoice = newInvoice(sub, "open", "subscription_cycle");
      const previous = { status: sub.status };
      sub.status = "past_due";
      return emit([event("invoice.payment_failed", invoice), event("customer.subscription.updated", sub, previous)]);
    },
    async recoverPayment(subscriptionId: string) {
      const sub = subscriptionOrThrow(subscriptionId);
      const invoice = sub.latest_invoice ? invoices.get(sub.latest_invoice) : undefined;
      if (invoice?.status !== "open") throw new Error(`stripe fake: subscription ${subscriptionId} has no open invoice`);
      Object.assign(invoice, { status: "paid", amount_paid: invoice.amount_due, attempt_count: invoice.attempt_count + 1 });
      const previous = { status: sub.status };
      sub.status = "active";
      return emit([event("invoice.paid", invoice), event("customer.subscription.updated", sub, previous)]);
    },
    async changePlan(subscriptionId: string, plan: Plan) {
      const sub = subscriptionOrThrow(subscriptionId);
      const previous = { items: copy(sub.items) };
      sub.items.data[0]!.price = copy(priceObjects.get(prices[plan])!);
      return emit([event("customer.subscription.updated", sub, previous)]);
    },
    async cancelNow(subscriptionId: string) {
      const sub = subscriptionOrThrow(subscriptionId);
      const previous = { status: sub.status };
      Object.assign(sub, { status: "canceled", canceled_at: now(), ended_at: now() });
      return emit([event("customer.subscription.deleted", sub, previous)]);
    },
  };

  const resetServer = server.reset;
  const fake: StripeFake = Object.assign(server, {
    apiUrl: server.url,
    secretKey,
    webhookSecret,
    prices,
    env: { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: server.url, STRIPE_PRICE_PRO: prices.PRO, STRIPE_PRICE_ENTERPRISE: prices.ENTERPRISE },
    webhook: opts.webhook,
    customers,
    sessions,
    subscriptions,
    invoices,
    events,
    deliveries,
    held,
    pay,
    ...helpers,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      return held.splice(0);
    },
    deliver,
    signed,
    reset() {
      resetServer();
      for (const m of [customers, sessions, subscriptions, invoices, idempotent]) m.clear();
      events.length = 0;
      deliveries.length = 0;
      held.length = 0;
      holding = false;
    },
  });
  return fake;
}
