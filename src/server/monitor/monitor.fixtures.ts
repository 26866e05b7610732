/**
 * What the monitor tests share: an app on an injected clock, a workspace with an owner (Ada,
 * with an API key, her email on and a webhook destination), a member (Grace) and an outsider
 * (Eve), tRPC calls as any of them, events through the public API, and the job — created, never
 * started: each test runs its rounds itself.
 */
import { expect } from "vitest";
import { toDate } from "@/server/db/db";
import { WORKSPACE_HEADER } from "@/shared/auth-cookies";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../../../tests/fakes/webhook-receiver.fake";
import { STRONG_PASSWORD, startTestApp, type TestApp } from "../../../tests/support/test-app";
import { createMonitorJob, type MonitorJob } from "./monitor.job";

export type Person = { name: string; cookie: string; userId: string; email: string; key: string };

export type MonitorWorld = Awaited<ReturnType<typeof startMonitorWorld>>;

export async function startMonitorWorld(opts: { start: string; env?: Record<string, string> }) {
  const clock = { now: Date.parse(opts.start) };
  const receiver: WebhookReceiverFake = await startWebhookReceiverFake({ now: () => new Date(clock.now) });
  const t: TestApp = await startTestApp({
    clock,
    env: {
      DEFAULT_PLAN: "PRO",
      API_RATE_LIMIT_BURST: "100000",
      API_RATE_LIMIT_PER_SECOND: "100000",
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
      ...(process.env.MONITOR_TEST_LOG ? { LOG_LEVEL: process.env.MONITOR_TEST_LOG } : {}),
      ...opts.env,
    },
  });
  await t.services.realtime.ready();

  async function person(email: string, name: string): Promise<Person> {
    const { cookie } = await t.signUp(email, STRONG_PASSWORD, name);
    const key = (await (await t.post("/trpc/apiKey.revealNew", {}, { cookie })).json()).result.data.key as string;
    await t.db.updateTable("auth_user").set({ email_verified: 1 }).where("email", "=", email).execute();
    const me = await (await t.request("/trpc/user.me", { cookie })).json();
    return { name, cookie, userId: me.result.data.id, email, key };
  }
  const ada = await person("ada@example.com", "Ada");
  const grace = await person("grace@example.com", "Grace");
  const eve = await person("eve@example.com", "Eve");
  const ws = await t.ownerAccess(ada.email);
  const eveWs = await t.ownerAccess(eve.email);
  await t.db
    .insertInto("workspace_member")
    .values({ workspace_id: ws.id, user_id: grace.userId, role: "member", created_at: new Date(clock.now).toISOString() })
    .execute();

  /** tRPC as `p`, acting in Ada's workspace unless told otherwise. */
  async function call(path: string, p: Person, input?: unknown, kind: "query" | "mutation" = "mutation", wsId: string = ws.id) {
    const headers = { [WORKSPACE_HEADER]: wsId };
    const res =
      kind === "query"
        ? await t.request(`/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { cookie: p.cookie, headers })
        : await t.post(`/trpc/${path}`, input ?? {}, { cookie: p.cookie, headers });
    const body = await res.json();
    return { status: res.status, data: body.result?.data, error: body.error, appCode: body.error?.data?.appCode as string | undefined };
  }
  // biome-ignore lint/suspicious/noExplicitAny: the tests read tRPC answers as plain JSON
  async function ok<T = any>(path: string, input?: unknown, kind: "query" | "mutation" = "mutation", p: Person = ada): Promise<T> {
    const r = await call(path, p, input, kind);
    expect(r.error?.message ?? null).toBeNull();
    return r.data as T;
  }

  // Ada's channels: her own email, and the workspace's signed webhook.
  await ok("notification.save", { channel: "email", enabled: true, config: {} });
  await ok("notification.save", { channel: "webhook", enabled: true, config: { url: receiver.webhookUrl } });

  async function category(name: string) {
    const res = await t.api("/api/v1/categories", ada.key, { json: { name } });
    expect(res.status).toBe(201);
    return (await res.json()).id as string;
  }

  /** An event through the public API, accepted at the clock's now. */
  async function send(category: string, fields: Record<string, string | number | boolean> = {}) {
    const res = await t.api("/api/v1/events", ada.key, { json: { category, fields } });
    expect(res.status).toBe(202);
    return (await res.json()).id as string;
  }

  const job: MonitorJob = createMonitorJob(t.services, { workerId: "test" });
  let current = job;

  /** After events: the bell's categories marked due (as the running job would), then one round. */
  async function evaluate(j: MonitorJob = current) {
    await new Promise((resolve) => setImmediate(resolve));
    await j.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    await j.flushNow();
    return j.runOnce();
  }

  const monitor = (id: string) => ok("monitor.get", { id }, "query");

  /** The alerts and notices written to the "monitors" category, oldest first. */
  async function notices() {
    const rows = await t.db
      .selectFrom("event")
      .innerJoin("category", "category.id", "event.category_id")
      .select(["event.id", "event.description", "event.fields", "event.created_at", "event.status", "category.system"])
      .where("event.workspace_id", "=", ws.id)
      .where("category.name", "=", "monitors")
      .orderBy("event.created_at")
      .orderBy("event.id")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      description: r.description,
      fields: (typeof r.fields === "string" ? JSON.parse(r.fields) : r.fields) as Record<string, string | number>,
      createdAt: toDate(r.created_at).toISOString(),
      status: r.status,
      system: Boolean(r.system),
    }));
  }

  const deliveriesOf = (eventId: string) => t.db.selectFrom("delivery").select(["channel", "recipient_id", "status"]).where("event_id", "=", eventId).orderBy("channel").execute();

  const at = (iso: string) => {
    clock.now = Date.parse(iso);
  };
  const advance = (ms: number) => {
    clock.now += ms;
  };

  return {
    t,
    clock,
    at,
    advance,
    ada,
    grace,
    eve,
    ws,
    eveWs,
    call,
    ok,
    category,
    send,
    job,
    /** Replaces the job the helpers use (a worker restart). */
    useJob(j: MonitorJob) {
      current = j;
    },
    evaluate,
    monitor,
    notices,
    deliveriesOf,
    async close() {
      await current.stop();
      await job.stop();
      await t.close();
      await receiver.close();
    },
  };
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
