import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvError } from "@/env";
import { handledByHono } from "@/server/http/app";
import { METRICS_FAILURES_PER_WINDOW } from "@/server/http/routes/metrics.route";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../../../tests/fakes/webhook-receiver.fake";
import { startTestApp, testEnv, type TestApp } from "../../../tests/support/test-app";
import { dialectUnderTest } from "../../../tests/support/test-database";
import { createDeliveryWorker, type DeliveryWorker } from "@/server/delivery/delivery.worker";

const TOKEN = "metrics-test-token-0123456789abcdef";

let t: TestApp;
let receiver: WebhookReceiverFake;
let worker: DeliveryWorker;
let u: { cookie: string; key: string };
/** The services' clock: real time plus an offset the tests move forward (the outbox age). */
let offset = 0;
const clock = {
  get now() {
    return Date.now() + offset;
  },
};

beforeAll(async () => {
  receiver = await startWebhookReceiverFake();
  t = await startTestApp({
    env: {
      METRICS_TOKEN: TOKEN,
      API_RATE_LIMIT_BURST: "100000",
      API_RATE_LIMIT_PER_SECOND: "100000",
      // The receiver fake listens on http://127.0.0.1.
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
    },
    clock,
  });
  // Not started: each test runs its rounds itself, so the outbox holds what the test expects.
  worker = createDeliveryWorker(t.services, { schedule: [1_000], leaseMs: 30_000 });
  u = await t.signUpWithKey("metrics@example.com");
  await t.trpc("category.quickStart", u.cookie);
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const scrape = async (init: { ip?: string; token?: string } = {}) => {
  const res = await t.request("/metrics", { headers: { authorization: `Bearer ${init.token ?? TOKEN}` }, ip: init.ip });
  expect(res.status).toBe(200);
  return res.text();
};

/** The value of the sample `name{labels…}` in a scrape (labels matched as a subset); 0 when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}) {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return 0;
}

/** The change of each named sample across `work`. */
async function delta(samples: Record<string, [string, Record<string, string>?]>, work: () => Promise<unknown>) {
  const before = await scrape();
  await work();
  const after = await scrape();
  return Object.fromEntries(Object.entries(samples).map(([key, [name, labels]]) => [key, sample(after, name, labels) - sample(before, name, labels)]));
}

describe("GET /metrics", () => {
  it("is answered by the Hono app, not Next.js", () => {
    expect(handledByHono("/metrics")).toBe(true);
  });

  it("refuses a scrape without the token, or with a wrong one (401)", async () => {
    for (const authorization of [undefined, "Bearer wrong-token-0123456789", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN} extra`]) {
      const res = await t.request("/metrics", { headers: authorization ? { authorization } : {} });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect((await res.json()).error.code).toBe("UNAUTHENTICATED");
    }
  });

  it("answers the Prometheus text format with the token", async () => {
    const res = await t.request("/metrics", { headers: { authorization: `bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const text = await res.text();
    for (const name of [
      "pingpilot_events_accepted_total",
      "pingpilot_events_refused_total",
      "pingpilot_ingest_duration_seconds",
      "pingpilot_deliveries_total",
      "pingpilot_accept_to_notify_seconds",
      "pingpilot_worker_claimed_total",
      "pingpilot_outbox_depth",
      "pingpilot_outbox_oldest_pending_age_seconds",
      "pingpilot_live_streams",
      "process_resident_memory_bytes",
    ]) {
      expect(text).toContain(`# HELP ${name} `);
    }
    expect(text).toContain('pingpilot_events_refused_total{code="QUOTA_EXCEEDED"} 0');
    // The pg pool on PostgreSQL; SQLite has no pool.
    if (dialectUnderTest() === "postgres") {
      expect(sample(text, "pingpilot_db_pool_max_connections")).toBe(t.env.database.dialect === "postgres" ? t.env.database.poolMax : -1);
      expect(sample(text, "pingpilot_db_pool_connections")).toBeGreaterThan(0);
      // Read before the scrape's own outbox queries ask the pool for connections.
      expect(text).toContain("pingpilot_db_pool_waiting_requests 0\n");
    } else expect(text).not.toContain("pingpilot_db_pool");
  });

  it("counts events accepted, refused by code, and the ingest latency", async () => {
    const d = await delta(
      {
        accepted: ["pingpilot_events_accepted_total"],
        validation: ["pingpilot_events_refused_total", { code: "VALIDATION_FAILED" }],
        notFound: ["pingpilot_events_refused_total", { code: "NOT_FOUND" }],
        unauthenticated: ["pingpilot_events_refused_total", { code: "UNAUTHENTICATED" }],
        badRequest: ["pingpilot_events_refused_total", { code: "BAD_REQUEST" }],
        tooLarge: ["pingpilot_events_refused_total", { code: "PAYLOAD_TOO_LARGE" }],
        single: ["pingpilot_ingest_duration_seconds_count", { endpoint: "single" }],
        singleSum: ["pingpilot_ingest_duration_seconds_sum", { endpoint: "single" }],
        batch: ["pingpilot_ingest_duration_seconds_count", { endpoint: "batch" }],
        under250ms: ["pingpilot_ingest_duration_seconds_bucket", { endpoint: "single", le: "0.25" }],
      },
      async () => {
        for (let i = 0; i < 3; i++) expect((await t.api("/api/v1/events", u.key, { json: { category: "sale", description: `sale ${i}` } })).status).toBe(202);
        expect((await t.api("/api/v1/events", u.key, { json: { description: "no category" } })).status).toBe(422);
        expect((await t.api("/api/v1/events", u.key, { json: { category: "no-such-category" } })).status).toBe(404);
        expect((await t.api("/api/v1/events", "pp_not_a_key", { json: { category: "sale" } })).status).toBe(401);
        expect((await t.api("/api/v1/events", u.key, { body: "{not json", headers: { "content-type": "application/json" } })).status).toBe(400);
        expect((await t.api("/api/v1/events", u.key, { json: { category: "sale", description: "x".repeat(70_000) } })).status).toBe(413);
        const batch = await t.api("/api/v1/events/batch", u.key, { json: { events: [{ category: "sale" }, { category: "no-such-category" }, { category: "sale" }] } });
        expect(batch.status).toBe(200);
      },
    );
    expect(d).toMatchObject({ accepted: 5, validation: 1, notFound: 2, unauthenticated: 1, badRequest: 1, tooLarge: 1, single: 8, batch: 1 });
    expect(d.singleSum).toBeGreaterThan(0);
    expect(d.under250ms).toBeGreaterThan(0);
  });

  it("counts deliveries by channel and outcome, the accept-to-notify latency, worker claims and the outbox", async () => {
    expect((await t.trpc("notification.save", u.cookie, { channel: "webhook", enabled: true, config: { url: receiver.webhookUrl } })).status).toBe(200);
    // What earlier tests left waiting goes out first.
    while ((await worker.runOnce()) > 0);
    let text = await scrape();
    expect(sample(text, "pingpilot_outbox_depth", { status: "PENDING" })).toBe(0);
    expect(sample(text, "pingpilot_outbox_depth", { status: "SENDING" })).toBe(0);
    expect(sample(text, "pingpilot_outbox_oldest_pending_age_seconds")).toBe(0);

    const send = async () => {
      const res = await t.api("/api/v1/events", u.key, { json: { category: "sale", description: "New customer" } });
      expect(res.status).toBe(202);
      expect((await res.json()).deliveries).toEqual([expect.objectContaining({ channel: "webhook" })]);
    };
    const samples = {
      delivered: ["pingpilot_deliveries_total", { channel: "webhook", status: "delivered" }],
      retry: ["pingpilot_deliveries_total", { channel: "webhook", status: "retry" }],
      failed: ["pingpilot_deliveries_total", { channel: "webhook", status: "failed" }],
      notified: ["pingpilot_accept_to_notify_seconds_count", { channel: "webhook" }],
      notifySum: ["pingpilot_accept_to_notify_seconds_sum", { channel: "webhook" }],
      claimed: ["pingpilot_worker_claimed_total"],
    } satisfies Record<string, [string, Record<string, string>?]>;

    // Two events wait in the outbox; one round delivers both.
    await send();
    await send();
    text = await scrape();
    expect(sample(text, "pingpilot_outbox_depth", { status: "PENDING" })).toBe(2);
    expect(await delta(samples, () => worker.runOnce())).toMatchObject({ delivered: 2, retry: 0, failed: 0, notified: 2, claimed: 2 });
    expect(sample(await scrape(), "pingpilot_outbox_depth", { status: "PENDING" })).toBe(0);

    // The receiver fails (500): the delivery waits for its retry, due in about a second.
    receiver.failNext([{ status: 500 }]);
    await send();
    expect(await delta(samples, () => worker.runOnce())).toMatchObject({ delivered: 0, retry: 1, failed: 0, notified: 0, claimed: 1 });
    text = await scrape();
    expect(sample(text, "pingpilot_outbox_depth", { status: "PENDING" })).toBe(1);
    expect(sample(text, "pingpilot_outbox_oldest_pending_age_seconds")).toBe(0);

    // A minute later (no worker ran) it has been due for about 59 s.
    offset += 60_000;
    const age = sample(await scrape(), "pingpilot_outbox_oldest_pending_age_seconds");
    expect(age).toBeGreaterThan(55);
    expect(age).toBeLessThan(61);

    // The retry is refused for good (400): failed, and the outbox is empty again.
    receiver.failNext([{ status: 400 }]);
    expect(await delta(samples, () => worker.runOnce())).toMatchObject({ delivered: 0, retry: 0, failed: 1, notified: 0, claimed: 1 });
    text = await scrape();
    expect(sample(text, "pingpilot_outbox_depth", { status: "PENDING" })).toBe(0);
    expect(sample(text, "pingpilot_outbox_oldest_pending_age_seconds")).toBe(0);

    // A delivery an hour after its event was accepted lands in the hour-long buckets.
    await send();
    offset += 3_600_000;
    const late = await delta(samples, () => worker.runOnce());
    expect(late).toMatchObject({ delivered: 1, notified: 1 });
    expect(late.notifySum).toBeGreaterThanOrEqual(3_600);
    expect(late.notifySum).toBeLessThan(3_700);
  });

  it("counts open live-update streams", async () => {
    await t.services.realtime.ready();
    const before = sample(await scrape(), "pingpilot_live_streams");
    const stream = await t.request("/api/stream", { cookie: u.cookie });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read(); // "ready"
    expect(sample(await scrape(), "pingpilot_live_streams")).toBe(before + 1);
    await reader.cancel();
    await expect.poll(async () => sample(await scrape(), "pingpilot_live_streams")).toBe(before);
  });

  it("refuses an address that sent too many wrong tokens, even with the right one, until the window ends", async () => {
    const ip = "10.250.0.7";
    for (let i = 0; i < METRICS_FAILURES_PER_WINDOW; i++) {
      expect((await t.request("/metrics", { headers: { authorization: `Bearer guess-${i}-0123456789abcdef` }, ip })).status).toBe(401);
    }
    const refused = await t.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` }, ip });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Other addresses are not affected; a missing token is not a guess and is not counted.
    const other = "10.250.0.8";
    for (let i = 0; i <= METRICS_FAILURES_PER_WINDOW; i++) expect((await t.request("/metrics", { ip: other })).status).toBe(401);
    await scrape({ ip: other });
    offset += 15 * 60_000;
    await scrape({ ip });
  });
});

describe("GET /metrics without METRICS_TOKEN", () => {
  it("does not exist (404), with or without a token", async () => {
    const off = await startTestApp();
    try {
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as HeadersInit[]) {
        const res = await off.request("/metrics", { headers });
        expect(res.status).toBe(404);
        expect((await res.json()).error.code).toBe("NOT_FOUND");
      }
    } finally {
      await off.close();
    }
  });

  it("is validated at start: at least 16 characters when set", () => {
    const database = { url: t.env.database.dialect === "postgres" ? t.env.database.url : t.env.database.file, dataDir: t.env.DATA_DIR };
    expect(() => testEnv(database, { METRICS_TOKEN: "too-short" })).toThrow(EnvError);
    expect(() => testEnv(database, { METRICS_TOKEN: "too-short" })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(testEnv(database, { METRICS_TOKEN: "" }).METRICS_TOKEN).toBeUndefined();
    expect(testEnv(database, { METRICS_TOKEN: TOKEN }).METRICS_TOKEN).toBe(TOKEN);
  });
});
