/**
 * One event, several members: each member's own enabled channels (minus their opt-outs) and the
 * workspace's destinations get one delivery each; a removed member gets nothing more, not even
 * what was queued for them before the removal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@/server/db/id";
import { WORKSPACE_HEADER } from "@/shared/auth-cookies";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../../../tests/fakes/webhook-receiver.fake";
import { STRONG_PASSWORD, startTestApp, type TestApp } from "../../../tests/support/test-app";
import { createDeliveryWorker, type DeliveryWorker } from "../delivery/delivery.worker";

type Person = { cookie: string; userId: string; email: string; key?: string };

let t: TestApp;
let receiver: WebhookReceiverFake;
/** Not started: each test runs it round by round, so what is sent when is certain. */
let worker: DeliveryWorker;
let ada: Person, grace: Person;
let ws: { id: string; slug: string };
let categories: Record<string, string>;

beforeAll(async () => {
  receiver = await startWebhookReceiverFake();
  t = await startTestApp({
    env: {
      API_RATE_LIMIT_BURST: "100000",
      API_RATE_LIMIT_PER_SECOND: "100000",
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
    },
  });
  await t.services.realtime.ready();
  worker = createDeliveryWorker(t.services, { schedule: [50, 50], idleMs: 20, leaseMs: 30_000 });

  ada = await person("ada@example.com", "Ada", true);
  grace = await person("grace@example.com", "Grace");
  ws = (ok(await call("workspace.list", ada, undefined, "query", null)) as { id: string; slug: string; role: string }[]).find((w) => w.role === "owner")!;
  ok(await call("workspace.invite", ada, { email: grace.email, role: "member" }));
  ok(await call("workspace.acceptInvitation", grace, { token: mailedToken(grace.email) }, "mutation", null));

  ok(await call("category.quickStart", ada)); // bug, sale, question
  categories = Object.fromEntries((ok(await call("category.list", ada, undefined, "query")) as { id: string; name: string }[]).map((c) => [c.name, c.id]));
  expect(Object.keys(categories).sort()).toEqual(["bug", "question", "sale"]);

  // Both members turn on their own email; Grace only wants "sale".
  for (const p of [ada, grace]) ok(await call("notification.save", p, { channel: "email", enabled: true, config: {} }));
  for (const name of ["bug", "question"]) ok(await call("notification.setOptOut", grace, { channel: "email", categoryId: categories[name], optedOut: true }));
  // The workspace's webhook (a destination, set by the owner).
  ok(await call("notification.save", ada, { channel: "webhook", enabled: true, config: { url: receiver.webhookUrl } }));
  const settings = ok(await call("notification.list", ada, undefined, "query")) as { channel: string; config: { secret?: string } }[];
  receiver.setSecret(settings.find((s) => s.channel === "webhook")!.config.secret);
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

async function call(path: string, p: Person, input?: unknown, kind: "query" | "mutation" = "mutation", wsId: string | null = ws?.id ?? null) {
  const headers: Record<string, string> = wsId ? { [WORKSPACE_HEADER]: wsId } : {};
  const res =
    kind === "query"
      ? await t.request(`/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { cookie: p.cookie, headers })
      : await t.post(`/trpc/${path}`, input ?? {}, { cookie: p.cookie, headers });
  const body = await res.json();
  return { status: res.status, data: body.result?.data, error: body.error };
}
type Result = Awaited<ReturnType<typeof call>>;
function ok(r: Result) {
  expect(r.error?.message ?? null).toBeNull();
  return r.data;
}

async function person(email: string, name: string, withKey = false): Promise<Person> {
  const { cookie } = await t.signUp(email, STRONG_PASSWORD, name);
  const key = withKey ? ((await (await t.post("/trpc/apiKey.revealNew", {}, { cookie })).json()).result.data.key as string) : undefined;
  // Email notifications go only to a confirmed address.
  await t.db.updateTable("auth_user").set({ email_verified: 1 }).where("email", "=", email).execute();
  const me = await t.request("/trpc/user.me", { cookie });
  return { cookie, userId: (await me.json()).result.data.id, email, key };
}

function mailedToken(email: string) {
  const token = t.mailer.sent
    .filter((m) => m.to === email)
    .map((m) => m.text.match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1])
    .filter(Boolean)
    .at(-1);
  if (!token) throw new Error(`no invitation mailed to ${email}`);
  return token;
}

/** An event through the public API with Ada's key: its id and the channels the answer names. */
async function send(category: string) {
  const res = await t.api("/api/v1/events", ada.key!, { json: { category, description: `a ${category} event` } });
  expect(res.status).toBe(202);
  const body = (await res.json()) as { id: string; deliveries: { channel: string; status: string }[] };
  return { id: body.id, channels: body.deliveries.map((d) => d.channel) };
}

/** The event's deliveries as channel → recipient ("-" for a destination), sorted. */
async function deliveriesOf(eventId: string) {
  const rows = await t.db.selectFrom("delivery").select(["channel", "recipient_id"]).where("event_id", "=", eventId).execute();
  return rows.map((r) => `${r.channel}:${r.recipient_id ?? "-"}`).sort();
}

/** Runs the worker until nothing is due. */
async function drain() {
  while ((await worker.runOnce()) > 0);
}

/** What the worker sent from here on: mail recipients (for `eventId`) and webhook calls. */
function outbox() {
  const mails = t.mailer.sent.length;
  const hooks = receiver.received.length;
  return {
    mailsFor: (eventId: string) =>
      t.mailer.sent
        .slice(mails)
        .filter((m) => m.text.includes(`/dashboard/events/${eventId}`))
        .map((m) => m.to)
        .sort(),
    mailsTo: (email: string) => t.mailer.sent.slice(mails).filter((m) => m.to === email).length,
    hooks: () => receiver.received.slice(hooks),
  };
}

describe("fan-out to the workspace's members", () => {
  it("a sale event: one email for each member who wants it, one webhook call, each channel named once", async () => {
    const out = outbox();
    const event = await send("sale");
    expect(event.channels.sort()).toEqual(["email", "webhook"]);
    expect(await deliveriesOf(event.id)).toEqual([`email:${ada.userId}`, `email:${grace.userId}`, "webhook:-"].sort());

    await drain();
    expect(out.mailsFor(event.id)).toEqual([ada.email, grace.email].sort());
    expect(out.hooks().map((h) => h.verified)).toEqual([true]);
    expect(JSON.parse(out.hooks()[0]!.rawBody)).toMatchObject({ data: { id: event.id } });

    const detail = await (await t.api(`/api/v1/events/${event.id}`, ada.key!)).json();
    expect(detail.status).toBe("DELIVERED");
    expect((detail.deliveries as { channel: string; recipientId: string | null; status: string }[]).map((d) => [d.channel, d.recipientId, d.status]).sort()).toEqual(
      [
        ["email", ada.userId, "DELIVERED"],
        ["email", grace.userId, "DELIVERED"],
        ["webhook", null, "DELIVERED"],
      ].sort(),
    );
  });

  it("members see that a destination is set up, not its URL or signing secret", async () => {
    type Setting = { channel: string; configured: boolean; canChange: boolean; config: Record<string, unknown> };
    const webhookFor = async (p: Person) => (ok(await call("notification.list", p, undefined, "query")) as Setting[]).find((s) => s.channel === "webhook")!;
    expect(await webhookFor(ada)).toMatchObject({ configured: true, canChange: true, config: { url: receiver.webhookUrl, secret: expect.any(String) } });
    expect(await webhookFor(grace)).toMatchObject({ configured: true, canChange: false, config: {} });
  });

  it("an event of a category Grace opted out of reaches only Ada (and the webhook)", async () => {
    for (const category of ["bug", "question"]) {
      const out = outbox();
      const event = await send(category);
      expect(event.channels.sort()).toEqual(["email", "webhook"]);
      expect(await deliveriesOf(event.id)).toEqual([`email:${ada.userId}`, "webhook:-"]);
      await drain();
      expect(out.mailsFor(event.id)).toEqual([ada.email]);
      expect(out.mailsTo(grace.email)).toBe(0);
      expect(out.hooks()).toHaveLength(1);
    }
  });
});

describe("after Ada removes Grace", () => {
  let queued: { id: string };
  let held: { id: string };
  let out: ReturnType<typeof outbox>;

  beforeAll(async () => {
    // Sent to Ada and the webhook, while Grace's copy waits for a retry an hour away.
    held = await send("sale");
    const later = new Date(t.services.clock().getTime() + 3_600_000).toISOString();
    await t.db.updateTable("delivery").set({ next_attempt_at: later }).where("event_id", "=", held.id).where("recipient_id", "=", grace.userId).execute();
    await drain();
    expect((await (await t.api(`/api/v1/events/${held.id}`, ada.key!)).json()).status).toBe("PENDING");

    out = outbox();
    // Accepted before the removal, not sent yet.
    queued = await send("sale");
    expect(await deliveriesOf(queued.id)).toContain(`email:${grace.userId}`);
    ok(await call("workspace.removeMember", ada, { userId: grace.userId }));
  });

  it("an event that waited only for her is settled: delivered, not pending for ever", async () => {
    expect(await deliveriesOf(held.id)).toEqual([`email:${ada.userId}`, "webhook:-"]);
    expect((await (await t.api(`/api/v1/events/${held.id}`, ada.key!)).json()).status).toBe("DELIVERED");
  });

  it("what was queued for her is not sent; Ada and the webhook still get it", async () => {
    expect(await deliveriesOf(queued.id)).toEqual([`email:${ada.userId}`, "webhook:-"]);
    await drain();
    expect(out.mailsFor(queued.id)).toEqual([ada.email]);
    expect(out.mailsTo(grace.email)).toBe(0);
    expect(out.hooks().filter((h) => JSON.parse(h.rawBody).data.id === queued.id)).toHaveLength(1);
  });

  it("the next sale event creates no delivery for her", async () => {
    const before = outbox();
    const event = await send("sale");
    expect(event.channels.sort()).toEqual(["email", "webhook"]);
    expect(await deliveriesOf(event.id)).toEqual([`email:${ada.userId}`, "webhook:-"]);
    await drain();
    expect(before.mailsFor(event.id)).toEqual([ada.email]);
    expect(before.mailsTo(grace.email)).toBe(0);
  });

  it("a delivery for her that outlived the removal (an ingest racing it) is refused by the worker", async () => {
    const before = outbox();
    const event = await send("sale");
    await drain();
    // As if the ingest had read the members just before the removal and committed just after it.
    const id = newId();
    const at = new Date().toISOString();
    await t.db
      .insertInto("delivery")
      .values({ id, event_id: event.id, workspace_id: ws.id, recipient_id: grace.userId, channel: "email", status: "PENDING", attempts: 0, next_attempt_at: at, created_at: at, updated_at: at })
      .execute();
    await drain();
    const row = await t.db.selectFrom("delivery").select(["status", "last_error"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.status).toBe("FAILED");
    expect(row.last_error).toMatch(/no longer a member/);
    expect(before.mailsTo(grace.email)).toBe(0);
  });

  it("her open tab, still naming the workspace, gets NOT_FOUND; without it she is in her own", async () => {
    const stale = await call("category.list", grace, undefined, "query", ws.id);
    expect(stale.status).toBe(404);
    expect(stale.error.data.appCode).toBe("NOT_FOUND");
    expect(stale.data).toBeUndefined();
    expect(ok(await call("category.list", grace, undefined, "query", null))).toEqual([]);
    const list = ok(await call("workspace.list", grace, undefined, "query", null)) as { id: string }[];
    expect(list.map((w) => w.id)).not.toContain(ws.id);
  });
});
