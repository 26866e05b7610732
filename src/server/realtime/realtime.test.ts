import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveMessage } from "@/shared/live-message";
import { captureLogger } from "../../../tests/support/capture-logger";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { dialectUnderTest } from "../../../tests/support/test-database";
import { createRealtimeBus, type InternalMessage, LISTENER_APPLICATION_NAME } from "./realtime.bus";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" } });
  await t.services.realtime.ready();
});
afterAll(() => t.close());

/** Reads server-sent events from a streaming response until `count` messages arrived. */
async function readMessages(res: Response, count: number) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const messages: unknown[] = [];
  let buffer = "";
  while (messages.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (/^event: message$/m.test(block)) messages.push(JSON.parse(block.match(/^data: (.*)$/m)![1]!));
    }
  }
  await reader.cancel();
  return messages;
}

describe("live stream", () => {
  it("needs a session", async () => {
    const res = await t.request("/api/stream");
    expect(res.status).toBe(401);
  });

  it("tells the signed-in user about their new events, and nobody else", async () => {
    const a = await t.signUpWithKey("live-a@example.com");
    const b = await t.signUpWithKey("live-b@example.com");
    await t.api("/api/v1/categories", a.key, { json: { name: "sale" } });
    await t.api("/api/v1/categories", b.key, { json: { name: "sale" } });
    const streamA = await t.request("/api/stream", { cookie: a.cookie });
    expect(streamA.headers.get("content-type")).toMatch(/text\/event-stream/);
    const received = readMessages(streamA, 1);
    await new Promise((r) => setTimeout(r, 50));
    await t.api("/api/v1/events", b.key, { json: { category: "sale" } });
    const sent = await (await t.api("/api/v1/events", a.key, { json: { category: "sale" } })).json();
    expect(await received).toEqual([{ type: "event.created", eventId: sent.id, category: "sale", createdAt: sent.createdAt }]);
  });
});

describe.runIf(dialectUnderTest() === "postgres")("the bus between instances (PostgreSQL)", () => {
  const fast = { reconnect: { minDelayMs: 20, maxDelayMs: 200 } };
  const databaseName = () => new URL((t.env.database as { url: string }).url).pathname.slice(1);

  /** SQL on the server's maintenance connection (DATABASE_URL), outside the test's database. */
  async function admin(query: string) {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      return await client.query(query);
    } finally {
      await client.end();
    }
  }
  const terminateListeners = () => admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${databaseName()}' and application_name = '${LISTENER_APPLICATION_NAME}'`);

  it("hundreds of concurrent publishes arrive everywhere in order, without pg's 'already executing' deprecation", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    const a = createRealtimeBus(t.env, captureLogger().logger);
    const b = createRealtimeBus(t.env, captureLogger().logger);
    try {
      await Promise.all([a.ready(), b.ready()]);
      const received: LiveMessage[] = [];
      const evicted: InternalMessage[] = [];
      b.subscribe("user-1", (m) => received.push(m));
      b.onInternal((m) => evicted.push(m));
      const sent = Array.from({ length: 300 }, (_, i) => ({ type: "event.created", eventId: `e${i}`, category: "load", createdAt: new Date(0).toISOString() }) as LiveMessage);
      const broadcasts: Promise<void>[] = [];
      for (const [i, m] of sent.entries()) {
        a.publish("user-1", m);
        if (i % 30 === 0) broadcasts.push(a.broadcast({ type: "api-key.evict", keyId: `k${i}` }));
      }
      await Promise.all(broadcasts);
      await expect.poll(() => received.length).toBe(sent.length);
      expect(received).toEqual(sent);
      expect(evicted.map((m) => (m as { keyId: string }).keyId)).toEqual(Array.from({ length: 10 }, (_, i) => `k${i * 30}`));
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => /already executing/.test(w))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("the listener reconnects for as long as it takes, LISTENs again and raises resync", async () => {
    const log = captureLogger();
    const a = createRealtimeBus(t.env, log.logger, fast);
    const b = createRealtimeBus(t.env, captureLogger().logger, fast);
    const internal: InternalMessage[] = [];
    a.onInternal((m) => internal.push(m));
    try {
      await Promise.all([a.ready(), b.ready()]);
      // The database refuses new connections for a while: every reconnect attempt fails.
      await admin(`alter database "${databaseName()}" allow_connections false`);
      try {
        await terminateListeners();
        await expect.poll(() => a.listening()).toBe(false);
        await expect.poll(() => log.lines.filter((l) => /could not connect/.test(l.msg)).length, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
        await new Promise((r) => setTimeout(r, 600)); // several failed attempts, with backoff
        expect(a.listening()).toBe(false);
      } finally {
        await admin(`alter database "${databaseName()}" allow_connections true`);
      }
      await expect.poll(() => a.listening() && b.listening(), { timeout: 5_000 }).toBe(true);
      expect(internal).toContainEqual({ type: "resync" });
      // Listening again: a message from the other instance arrives.
      await b.broadcast({ type: "api-key.evict", keyId: "after-reconnect" });
      await expect.poll(() => internal).toContainEqual({ type: "api-key.evict", keyId: "after-reconnect" });

      // And again, a second loss (the old code gave up after one failed attempt).
      internal.length = 0;
      await terminateListeners();
      await expect.poll(() => internal, { timeout: 5_000 }).toContainEqual({ type: "resync" });
      await expect.poll(() => a.listening() && b.listening(), { timeout: 5_000 }).toBe(true);
      await b.broadcast({ type: "api-key.evict", keyId: "after-second-loss" });
      await expect.poll(() => internal).toContainEqual({ type: "api-key.evict", keyId: "after-second-loss" });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
