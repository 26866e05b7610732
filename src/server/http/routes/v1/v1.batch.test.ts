import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkingConformance } from "../../../../../tests/support/openapi-conformance";
import { startTestApp as startApp, type TestApp } from "../../../../../tests/support/test-app";

/** POST /api/v1/events/batch. Every answer in this file is checked against the OpenAPI document. */
const startTestApp = async (opts?: Parameters<typeof startApp>[0]) => checkingConformance(await startApp(opts));

let t: TestApp;
let key: string;
const NOW = Date.parse("2026-11-28T12:00:00Z");
const RATE = { API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" };

beforeAll(async () => {
  t = await startTestApp({ env: RATE, clock: { now: NOW } });
  key = (await t.signUpWithKey("batch@example.com")).key;
  expect((await t.api("/api/v1/categories", key, { json: { name: "sale" } })).status).toBe(201);
});
afterAll(() => t.close());

type Result = { status: number; id?: string; replayed?: boolean; error?: { code: string; message: string; details?: unknown } };
const batch = (events: unknown, k = key, init: { headers?: Record<string, string> } = {}) => t.api("/api/v1/events/batch", k, { json: { events }, ...init });
const results = async (res: Response) => ((await res.json()) as { results: Result[] }).results;

describe("POST /api/v1/events/batch", () => {
  it("stores 100 events in one request, each result in order, with the quota after them", async () => {
    const before = await t.countRows("event");
    const res = await batch(Array.from({ length: 100 }, (_, n) => ({ category: "sale", description: `order ${n}`, fields: { n } })));
    expect(res.status).toBe(200);
    const list = await results(res);
    expect(list).toHaveLength(100);
    expect(list.every((r) => r.status === 202 && typeof r.id === "string")).toBe(true);
    expect(new Set(list.map((r) => r.id)).size).toBe(100);
    expect(await t.countRows("event")).toBe(before + 100);
    expect(res.headers.get("x-quota-remaining")).toBe(String(1000 - before - 100));
    expect(res.headers.get("x-ratelimit-limit")).toBeTruthy();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    for (const n of [0, 57, 99]) {
      const stored = await (await t.api(`/api/v1/events/${list[n]!.id}`, key)).json();
      expect(stored).toMatchObject({ description: `order ${n}`, fields: { n } });
    }
  });

  it("a bad event fails alone, with the very status and error POST /events gives it", async () => {
    const bad: unknown[] = [
      { category: "sale", fields: { nested: { a: 1 } } },
      { category: "nope" },
      { description: "no category" },
      { category: "sale", timestamp: "2026-11-30T12:00:01Z" },
      { category: "sale", feilds: {} },
      "not an object",
      JSON.parse('{"category":"sale","fields":{"__proto__":1}}'),
    ];
    const events = [{ category: "sale", fields: { ok: 1 } }, ...bad, { category: "sale", fields: { ok: 2 } }];
    const before = await t.countRows("event");
    const list = await results(await batch(events));
    expect(list.map((r) => r.status)).toEqual([202, 422, 404, 422, 422, 422, 422, 422, 202]);
    expect(await t.countRows("event")).toBe(before + 2);
    for (const [i, event] of bad.entries()) {
      const alone = await t.api("/api/v1/events", key, { body: JSON.stringify(event), headers: { "content-type": "application/json" } });
      const { status, ...body } = list[i + 1]!;
      expect({ status, body }).toEqual({ status: alone.status, body: await alone.json() });
    }
  });

  it("counts each event against the quota in order: the ones past the limit get QUOTA_EXCEEDED", async () => {
    const q = await startTestApp({ env: { ...RATE, PLAN_EVENT_LIMIT: "5" } });
    try {
      const u = await q.signUpWithKey("batch-quota@example.com");
      await q.api("/api/v1/categories", u.key, { json: { name: "tick" } });
      expect((await q.api("/api/v1/events", u.key, { json: { category: "tick" } })).status).toBe(202);
      const res = await q.api("/api/v1/events/batch", u.key, { json: { events: Array.from({ length: 8 }, (_, n) => ({ category: "tick", fields: { n } })) } });
      const list = await results(res);
      expect(list.map((r) => r.status)).toEqual([202, 202, 202, 202, 429, 429, 429, 429]);
      expect(list[4]!.error!.code).toBe("QUOTA_EXCEEDED");
      expect(res.headers.get("x-quota-remaining")).toBe("0");
      expect(await q.countRows("event")).toBe(5);
      // Concurrent batches and single events never overshoot either.
      const more = await Promise.all([
        q.api("/api/v1/events/batch", u.key, { json: { events: [{ category: "tick" }, { category: "tick" }] } }),
        q.api("/api/v1/events", u.key, { json: { category: "tick" } }),
      ]);
      expect((await results(more[0]!)).map((r) => r.status)).toEqual([429, 429]);
      expect(more[1]!.status).toBe(429);
      expect(await q.countRows("event")).toBe(5);
    } finally {
      await q.close();
    }
  });

  it("an idempotencyKey per event: repeats within the batch and a resent batch replay, storing nothing new", async () => {
    const events = [{ category: "sale", idempotencyKey: "b-1" }, { category: "sale", idempotencyKey: "b-2" }, { category: "sale", idempotencyKey: "b-1" }, { category: "sale" }];
    const before = await t.countRows("event");
    const first = await results(await batch(events));
    expect(first.map((r) => [r.status, r.replayed ?? false])).toEqual([
      [202, false],
      [202, false],
      [202, true],
      [202, false],
    ]);
    expect(first[2]!.id).toBe(first[0]!.id);
    expect(await t.countRows("event")).toBe(before + 3);
    const again = await results(await batch(events));
    expect(again.slice(0, 3).map((r) => [r.id, r.replayed])).toEqual([
      [first[0]!.id, true],
      [first[1]!.id, true],
      [first[0]!.id, true],
    ]);
    expect(await t.countRows("event")).toBe(before + 4);
    // The same key through the single endpoint's header replays the batch's event too.
    const single = await t.api("/api/v1/events", key, { json: { category: "sale" }, headers: { "idempotency-key": "b-2" } });
    expect(single.headers.get("idempotent-replayed")).toBe("true");
    expect((await single.json()).id).toBe(first[1]!.id);
    const tooLong = await results(await batch([{ category: "sale", idempotencyKey: "k".repeat(256) }]));
    expect(tooLong[0]).toMatchObject({ status: 422, error: { code: "VALIDATION_FAILED", message: expect.stringMatching(/idempotencyKey/) } });
  });

  const bigEvent = { category: "sale", description: "d".repeat(2000), fields: Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, "v".repeat(1000)])) };
  const rejections: [string, () => Promise<Response>, number, string, RegExp][] = [
    ["malformed JSON", () => t.api("/api/v1/events/batch", key, { body: '{"events":[', headers: { "content-type": "application/json" } }), 400, "BAD_REQUEST", /not valid JSON/],
    ["a wrong content type", () => t.api("/api/v1/events/batch", key, { body: "events=1", headers: { "content-type": "text/plain" } }), 400, "BAD_REQUEST", /application\/json/],
    ["a body that is a list", () => t.api("/api/v1/events/batch", key, { json: [{ category: "sale" }] }), 422, "VALIDATION_FAILED", /expected object/i],
    ["no events", () => t.api("/api/v1/events/batch", key, { json: {} }), 422, "VALIDATION_FAILED", /events is required/],
    ["events that are not a list", () => t.api("/api/v1/events/batch", key, { json: { events: { category: "sale" } } }), 422, "VALIDATION_FAILED", /events must be a list/],
    ["an empty list", () => batch([]), 422, "VALIDATION_FAILED", /at least one/],
    ["101 events", () => batch(Array.from({ length: 101 }, () => ({ category: "sale" }))), 422, "VALIDATION_FAILED", /at most 100/],
    ["an unknown field beside events", () => t.api("/api/v1/events/batch", key, { json: { events: [{ category: "sale" }], notify: false } }), 422, "VALIDATION_FAILED", /Unknown field.*notify/],
    [
      "a __proto__ key beside events",
      () => t.api("/api/v1/events/batch", key, { body: '{"events":[{"category":"sale"}],"__proto__":{}}', headers: { "content-type": "application/json" } }),
      422,
      "VALIDATION_FAILED",
      /__proto__/,
    ],
    ["a body over 1 MB", () => batch(Array.from({ length: 40 }, () => bigEvent)), 413, "PAYLOAD_TOO_LARGE", /1 MB/],
    [
      "a body over 1 MB without Content-Length",
      () =>
        t.api("/api/v1/events/batch", key, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"events":[{"category":"sale","description":"'));
              for (let i = 0; i < 1100; i++) controller.enqueue(new TextEncoder().encode("z".repeat(1024)));
              controller.close();
            },
          }),
          // @ts-expect-error Node's fetch needs this for a streamed body
          duplex: "half",
        }),
      413,
      "PAYLOAD_TOO_LARGE",
      /1 MB/,
    ],
    ["a missing Authorization header", () => t.request("/api/v1/events/batch", { method: "POST", body: JSON.stringify({ events: [{ category: "sale" }] }) }), 401, "UNAUTHENTICATED", /Authorization/],
    ["an unknown key", () => batch([{ category: "sale" }], `pp_${"B".repeat(43)}`), 401, "UNAUTHENTICATED", /not valid/],
  ];

  it.each(rejections)("refuses %s as a whole with a clear 4xx, storing nothing", async (_, call, status, code, message) => {
    const before = await t.countRows("event");
    const res = await call();
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(await t.countRows("event")).toBe(before);
  });

  it("takes one token of the rate limit per batch, however many events it holds", async () => {
    const q = await startTestApp({ env: { API_RATE_LIMIT_BURST: "3", API_RATE_LIMIT_PER_SECOND: "1" }, clock: { now: NOW } });
    try {
      const u = await q.signUpWithKey("batch-rate@example.com");
      await q.api("/api/v1/categories", u.key, { json: { name: "burst" } });
      const events = Array.from({ length: 50 }, () => ({ category: "burst" }));
      const first = await q.api("/api/v1/events/batch", u.key, { json: { events } });
      expect(first.status).toBe(200);
      expect(first.headers.get("x-ratelimit-remaining")).toBe("1");
      expect((await q.api("/api/v1/events/batch", u.key, { json: { events } })).status).toBe(200);
      const limited = await q.api("/api/v1/events/batch", u.key, { json: { events } });
      expect(limited.status).toBe(429);
      expect((await limited.json()).error.code).toBe("RATE_LIMITED");
      expect(limited.headers.get("retry-after")).toBe("1");
      expect(await q.countRows("event")).toBe(100);
    } finally {
      await q.close();
    }
  });

  it("works the same without group commit", async () => {
    const q = await startTestApp({ env: { ...RATE, INGEST_GROUP_COMMIT: "false" } });
    try {
      const u = await q.signUpWithKey("batch-plain@example.com");
      await q.api("/api/v1/categories", u.key, { json: { name: "plain" } });
      const res = await q.api("/api/v1/events/batch", u.key, {
        json: { events: [{ category: "plain", idempotencyKey: "x" }, { category: "nope" }, { category: "plain", idempotencyKey: "x" }, { category: "plain" }] },
      });
      expect((await results(res)).map((r) => [r.status, r.replayed ?? false])).toEqual([
        [202, false],
        [404, false],
        [202, true],
        [202, false],
      ]);
      expect(await q.countRows("event")).toBe(2);
    } finally {
      await q.close();
    }
  });

  it("is documented: request, per-event results and errors, in a document Redocly accepts", async () => {
    const doc = await (await t.request("/api/v1/openapi.json")).json();
    const op = doc.paths["/events/batch"].post;
    expect(op.operationId).toBe("createEventBatch");
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "413", "422", "429"]));
    expect(doc.components.schemas.BatchEvent.properties.idempotencyKey.maxLength).toBe(255);
    expect(doc.components.schemas.CreateEventBatch.properties.events.maxItems).toBe(100);
  });
});
