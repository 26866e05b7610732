import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkingConformance } from "../../../../../tests/support/openapi-conformance";
import { startTestApp as startApp, type TestApp } from "../../../../../tests/support/test-app";

/** Every public-API answer in this file is checked against the OpenAPI document. */
const startTestApp = async (opts?: Parameters<typeof startApp>[0]) => checkingConformance(await startApp(opts));

let t: TestApp;
let a: { cookie: string; key: string };
beforeAll(async () => {
  // A fixed "now", so what counts as "a day from now" does not depend on the calendar.
  t = await startTestApp({ env: { API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" }, clock: { now: Date.parse("2026-11-28T12:00:00Z") } });
  a = await t.signUpWithKey("ingest@example.com");
  expect((await t.api("/api/v1/categories", a.key, { json: { name: "Sale", color: "#FFEB3B", emoji: "💰" } })).status).toBe(201);
});
afterAll(() => t.close());

const eventCount = async () =>
  Number(
    (
      await t.db
        .selectFrom("event")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
const send = (body: unknown, key = a.key, headers: Record<string, string> = {}) => t.api("/api/v1/events", key, { json: body, headers });
/** A body sent exactly as written (JSON.stringify would drop `__proto__` and escape lone surrogates its own way). */
const sendRaw = (text: string, contentType = "application/json") => t.api("/api/v1/events", a.key, { body: text, headers: { "content-type": contentType } });

describe("POST /api/v1/events", () => {
  it("stores a realistic event and answers 202 with quota headers", async () => {
    const res = await send({ category: "SALE", description: "New PRO customer", fields: { plan: "PRO", amount: 49, trial: false, email: "ada@example.com" }, tags: ["web"] });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({ id: expect.any(String), category: "sale", createdAt: expect.any(String), deliveries: [] });
    expect(body.warning).toMatch(/No notification channel/);
    expect(res.headers.get("x-quota-limit")).toBe("1000");
    expect(res.headers.get("x-quota-remaining")).toBe("999");
    expect(new Date(res.headers.get("x-quota-reset")!).getUTCDate()).toBe(1);
    expect(res.headers.get("x-ratelimit-limit")).toBeTruthy();

    const list = await (await t.api("/api/v1/events?category=sale", a.key)).json();
    expect(list.data[0]).toMatchObject({ id: body.id, category: "sale", description: "New PRO customer", fields: { plan: "PRO", amount: 49, trial: false }, tags: ["web"], notify: true });
    const cats = await t.trpc("category.list", a.cookie, undefined, "query");
    expect(cats.data.find((c: { name: string }) => c.name === "sale").eventsThisMonth).toBeGreaterThanOrEqual(1);
  });

  it("accepts the singular alias, unix-seconds timestamps and notify:false", async () => {
    const res = await t.api("/api/v1/event", a.key, { json: { category: "sale", timestamp: 1_790_000_000, notify: false } });
    expect(res.status).toBe(202);
    expect((await res.json()).warning).toBeUndefined();
    const list = await (await t.api("/api/v1/events?limit=1", a.key)).json();
    expect(list.data[0]).toMatchObject({ occurredAt: new Date(1_790_000_000_000).toISOString(), description: "A new sale event has occurred!", notify: false });
  });

  const big = "x".repeat(70 * 1024);
  const rejections: [string, () => Promise<Response>, number, string, RegExp?][] = [
    ["malformed JSON", () => t.api("/api/v1/events", a.key, { body: '{"category":', headers: { "content-type": "application/json" } }), 400, "BAD_REQUEST", /not valid JSON/],
    [
      "a wrong content type",
      () => t.api("/api/v1/events", a.key, { body: "category=sale", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      400,
      "BAD_REQUEST",
      /application\/json/,
    ],
    ["no content type", () => t.api("/api/v1/events", a.key, { body: '{"category":"sale"}', method: "POST", headers: { "content-type": "" } }), 400, "BAD_REQUEST"],
    ["a missing Authorization header", () => t.request("/api/v1/events", { method: "POST", body: '{"category":"sale"}' }), 401, "UNAUTHENTICATED", /Authorization/],
    ["the wrong scheme", () => t.request("/api/v1/events", { method: "POST", body: '{"category":"sale"}', headers: { authorization: `Basic ${a.key}` } }), 401, "UNAUTHENTICATED", /Bearer/],
    ["an unknown key", () => send({ category: "sale" }, `pp_${"A".repeat(43)}`), 401, "UNAUTHENTICATED"],
    ["an unknown category", () => send({ category: "refund" }), 404, "NOT_FOUND", /refund.*POST \/api\/v1\/categories/],
    ["a missing category", () => send({ description: "x" }), 422, "VALIDATION_FAILED", /category/],
    ["26 fields", () => send({ category: "sale", fields: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`f${i}`, i])) }), 422, "VALIDATION_FAILED", /25 keys/],
    ["a 1,025-character value", () => send({ category: "sale", fields: { note: "y".repeat(1025) } }), 422, "VALIDATION_FAILED", /fields\.note.*1,024/],
    ["a nested object", () => send({ category: "sale", fields: { customer: { id: 1 } } }), 422, "VALIDATION_FAILED", /fields\.customer/],
    ["an array value", () => send({ category: "sale", fields: { items: [1, 2] } }), 422, "VALIDATION_FAILED", /fields\.items/],
    ["a null value", () => send({ category: "sale", fields: { none: null } }), 422, "VALIDATION_FAILED", /fields\.none/],
    [
      "a non-finite number",
      () => t.api("/api/v1/events", a.key, { body: '{"category":"sale","fields":{"amount":1e999}}', headers: { "content-type": "application/json" } }),
      422,
      "VALIDATION_FAILED",
      /fields\.amount/,
    ],
    ["a 65-character field name", () => send({ category: "sale", fields: { ["k".repeat(65)]: 1 } }), 422, "VALIDATION_FAILED", /64/],
    ["a 2,001-character description", () => send({ category: "sale", description: "d".repeat(2001) }), 422, "VALIDATION_FAILED", /description/],
    ["11 tags", () => send({ category: "sale", tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }), 422, "VALIDATION_FAILED", /10 tags/],
    ["a 33-character tag", () => send({ category: "sale", tags: ["t".repeat(33)] }), 422, "VALIDATION_FAILED", /32/],
    ["a millisecond timestamp", () => send({ category: "sale", timestamp: Date.now() }), 422, "VALIDATION_FAILED", /seconds, not milliseconds/],
    ["a malformed timestamp", () => send({ category: "sale", timestamp: "yesterday" }), 422, "VALIDATION_FAILED", /timestamp/],
    ["an impossible date (February 30th)", () => send({ category: "sale", timestamp: "2026-02-30T00:00:00Z" }), 422, "VALIDATION_FAILED", /timestamp.*real date/],
    ["hour 24", () => send({ category: "sale", timestamp: "2026-11-28T24:00:00Z" }), 422, "VALIDATION_FAILED", /timestamp/],
    ["month 13", () => send({ category: "sale", timestamp: "2026-13-01" }), 422, "VALIDATION_FAILED", /timestamp/],
    ["an offset of +25:00", () => send({ category: "sale", timestamp: "2026-11-28T10:00:00+25:00" }), 422, "VALIDATION_FAILED", /timestamp/],
    ["a timestamp two days ahead", () => send({ category: "sale", timestamp: "2026-11-30T12:00:01Z" }), 422, "VALIDATION_FAILED", /timestamp.*a day from now/],
    ["a timestamp before 2000", () => send({ category: "sale", timestamp: 0 }), 422, "VALIDATION_FAILED", /timestamp.*2000/],
    ["a field named __proto__", () => sendRaw('{"category":"sale","fields":{"ok":1,"__proto__":"x"}}'), 422, "VALIDATION_FAILED", /fields\.__proto__/],
    ["an escaped __proto__ field name", () => sendRaw('{"category":"sale","fields":{"\\u005f_proto__":{"a":1}}}'), 422, "VALIDATION_FAILED", /fields\.__proto__/],
    ["a lone surrogate in the description", () => sendRaw('{"category":"sale","description":"broken \\ud800 text"}'), 422, "VALIDATION_FAILED", /description.*lone surrogate/],
    ["a lone surrogate in a field value", () => sendRaw('{"category":"sale","fields":{"note":"\\udc00"}}'), 422, "VALIDATION_FAILED", /fields\.note.*lone surrogate/],
    ["a lone surrogate in a field name", () => sendRaw('{"category":"sale","fields":{"\\ud83d":1}}'), 422, "VALIDATION_FAILED", /lone surrogate/],
    ["a lone surrogate in a tag", () => sendRaw('{"category":"sale","tags":["\\ud83d"]}'), 422, "VALIDATION_FAILED", /tags\.0.*lone surrogate/],
    [
      "bytes that are not UTF-8",
      () =>
        t.api("/api/v1/events", a.key, {
          body: Buffer.from([...Buffer.from('{"category":"sale","description":"'), 0xff, 0xfe, ...Buffer.from('"}')]),
          headers: { "content-type": "application/json" },
        }),
      400,
      "BAD_REQUEST",
      /UTF-8/,
    ],
    ["application/json-patch+json", () => sendRaw('{"category":"sale"}', "application/json-patch+json"), 400, "BAD_REQUEST", /application\/json/],
    ["application/json-seq", () => sendRaw('{"category":"sale"}', "application/json-seq"), 400, "BAD_REQUEST", /application\/json/],
    ["a category that is not a string", () => send({ category: 5 }), 422, "VALIDATION_FAILED", /category must be a string/],
    ["an empty category", () => send({ category: "" }), 422, "VALIDATION_FAILED", /category must not be empty/],
    ["notify as a string", () => send({ category: "sale", notify: "yes" }), 422, "VALIDATION_FAILED", /notify/],
    ["an unknown top-level field", () => send({ category: "sale", feilds: { a: 1 } }), 422, "VALIDATION_FAILED", /Unknown field.*feilds/],
    ["a JSON array body", () => send([{ category: "sale" }]), 422, "VALIDATION_FAILED"],
    ["an over-long Idempotency-Key", () => send({ category: "sale" }, a.key, { "idempotency-key": "k".repeat(256) }), 422, "VALIDATION_FAILED", /Idempotency-Key/],
    ["a body over 64 KB", () => send({ category: "sale", description: big }), 413, "PAYLOAD_TOO_LARGE"],
    [
      "a body over 64 KB without Content-Length",
      () =>
        t.api("/api/v1/events", a.key, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: new ReadableStream({
            start(controller) {
              for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode(i === 0 ? '{"category":"sale","description":"' : "z".repeat(1024)));
              controller.close();
            },
          }),
          // @ts-expect-error Node's fetch needs this for a streamed body
          duplex: "half",
        }),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
  ];

  it.each(rejections)("rejects %s with a clear error and stores nothing", async (_, call, status, code, message) => {
    const before = await eventCount();
    const res = await call();
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    if (message) expect(body.error.message).toMatch(message);
    expect(await eventCount()).toBe(before);
  });

  it("stores text exactly: astral characters, escaped pairs, JSON with a charset parameter", async () => {
    const res = await sendRaw('{"category":"sale","description":"Paid \\ud83d\\udcb0 in \u20ac","fields":{"emoji":"\ud83d\ude80"}}', "application/json; charset=utf-8");
    expect(res.status).toBe(202);
    const stored = await (await t.api(`/api/v1/events/${(await res.json()).id}`, a.key)).json();
    expect(stored.description).toBe("Paid 💰 in €");
    expect(stored.fields).toEqual({ emoji: "🚀" });
  });

  it("reads dates exactly: a leap day, a date without time, a date-time without offset is UTC, offsets applied", async () => {
    const cases: [unknown, string][] = [
      ["2024-02-29T10:00:00Z", "2024-02-29T10:00:00.000Z"],
      ["2026-11-27", "2026-11-27T00:00:00.000Z"],
      ["2026-11-27T08:30:00", "2026-11-27T08:30:00.000Z"],
      ["2026-11-27T08:30:00.123456+02:00", "2026-11-27T06:30:00.123Z"],
      [1_790_000_000.5, "2026-09-21T14:13:20.500Z"],
    ];
    for (const [timestamp, expected] of cases) {
      const res = await send({ category: "sale", timestamp, notify: false });
      expect(res.status, String(timestamp)).toBe(202);
      const stored = await (await t.api(`/api/v1/events/${(await res.json()).id}`, a.key)).json();
      expect(stored.occurredAt, String(timestamp)).toBe(expected);
    }
  });

  it("names every failing field in details", async () => {
    const res = await send({ category: "sale", description: 5, fields: { a: {} } });
    const body = await res.json();
    expect(body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(["description", "fields.a"]);
  });

  it("a revoked key stops working at once", async () => {
    const created = await t.trpc("apiKey.create", a.cookie, { name: "short-lived" });
    expect((await send({ category: "sale" }, created.data.key)).status).toBe(202);
    await t.trpc("apiKey.revoke", a.cookie, { id: created.data.id });
    const before = await eventCount();
    const res = await send({ category: "sale" }, created.data.key);
    expect(res.status).toBe(401);
    expect(await eventCount()).toBe(before);
  });

  it("rotating a key issues a working new one and kills the old one", async () => {
    const created = await t.trpc("apiKey.create", a.cookie, { name: "to rotate" });
    const rotated = await t.trpc("apiKey.rotate", a.cookie, { id: created.data.id });
    expect(rotated.data.key).toMatch(/^pp_/);
    expect(rotated.data.name).toBe("to rotate");
    expect((await send({ category: "sale" }, created.data.key)).status).toBe(401);
    expect((await send({ category: "sale" }, rotated.data.key)).status).toBe(202);
    const list = await t.trpc("apiKey.list", a.cookie, undefined, "query");
    expect(JSON.stringify(list.data)).not.toContain(rotated.data.key);
  });

  it("an API key authenticates only the public API", async () => {
    expect((await t.request("/trpc/category.list", { headers: { authorization: `Bearer ${a.key}` } })).status).toBe(401);
  });
});

describe("Idempotency-Key", () => {
  it("20 parallel requests with one key store one event and all return it", async () => {
    const before = await eventCount();
    const responses = await Promise.all(Array.from({ length: 20 }, () => send({ category: "sale", fields: { order: 1 } }, a.key, { "idempotency-key": "order-1" })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
    const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json()).id)));
    expect(ids.size).toBe(1);
    expect(await eventCount()).toBe(before + 1);
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(19);
  });

  it("different keys store different events", async () => {
    const before = await eventCount();
    await send({ category: "sale" }, a.key, { "idempotency-key": "k-a" });
    await send({ category: "sale" }, a.key, { "idempotency-key": "k-b" });
    expect(await eventCount()).toBe(before + 2);
  });
});

describe("GET /api/v1/events", () => {
  it("walks every event once through cursor pages, newest first", async () => {
    const b = await t.signUpWithKey("pager@example.com");
    await t.api("/api/v1/categories", b.key, { json: { name: "page" } });
    const sent: string[] = [];
    for (let i = 0; i < 23; i++) sent.push((await (await send({ category: "page", fields: { i } }, b.key)).json()).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; nextCursor: string | null } = await (await t.api(`/api/v1/events?category=page&limit=5${cursor ? `&cursor=${cursor}` : ""}`, b.key)).json();
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...sent].reverse());
  });

  it("filters by time range", async () => {
    const res = await t.api(`/api/v1/events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, a.key);
    expect((await res.json()).data).toEqual([]);
  });

  it("rejects a bad query with 422", async () => {
    const res = await t.api("/api/v1/events?limit=1000", a.key);
    expect(res.status).toBe(422);
  });
});

describe("categories and quota over the API", () => {
  it("lists categories, rejects duplicates and bad names", async () => {
    const list = await (await t.api("/api/v1/categories", a.key)).json();
    expect(list.data.map((c: { name: string }) => c.name)).toContain("sale");
    expect((await t.api("/api/v1/categories", a.key, { json: { name: "sale" } })).status).toBe(409);
    const bad = await t.api("/api/v1/categories", a.key, { json: { name: "Bad Name!" } });
    expect(bad.status).toBe(422);
    expect((await t.api("/api/v1/categories", a.key, { json: { name: "ok", color: "red" } })).status).toBe(422);
    expect((await t.api("/api/v1/categories", a.key, { json: { name: "ok2", emoji: "ab" } })).status).toBe(422);
  });

  it("GET /api/v1/quota reports plan, usage and reset", async () => {
    const res = await t.api("/api/v1/quota", a.key);
    const body = await res.json();
    expect(body).toMatchObject({ plan: "PRO", limit: 1000, categories: { limit: 10 } });
    expect(body.used).toBeGreaterThan(0);
    expect(body.remaining).toBe(1000 - body.used);
    expect(res.headers.get("x-quota-remaining")).toBe(String(body.remaining));
  });

  it("serves the OpenAPI 3.1 document without a key", async () => {
    const res = await t.request("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/events", "/categories", "/quota"]));
    expect(doc.components.schemas.CreateEvent.properties.fields).toBeDefined();
  });

  it("passes Redocly's recommended lint rules with no error and no warning", async () => {
    const { createConfig, lintFromString } = await import("@redocly/openapi-core");
    const source = await (await t.request("/api/v1/openapi.json")).text();
    const problems = await lintFromString({ source, absoluteRef: "openapi.json", config: await createConfig({ extends: ["recommended"] }) });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it("documents every operation with an operationId, every timestamp spelling, and the errors POST /categories gives", async () => {
    const doc = await (await t.request("/api/v1/openapi.json")).json();
    const operations = Object.values(doc.paths as Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>).flatMap((p) => Object.values(p));
    expect(operations.every((o) => typeof o.operationId === "string")).toBe(true);
    expect(doc.info.license.name).toBe("MIT");
    expect(doc.components.schemas.CreateEvent.properties.timestamp.oneOf.map((s: { type: string }) => s.type)).toEqual(["string", "number"]);
    expect(Object.keys(doc.paths["/categories"].post.responses)).toEqual(expect.arrayContaining(["400", "413", "422"]));
  });
});

describe("quotas", () => {
  it("200 parallel requests against a quota with 50 left store exactly 50", async () => {
    const q = await startTestApp({ env: { PLAN_EVENT_LIMIT: "60", API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" } });
    try {
      const u = await q.signUpWithKey("quota@example.com");
      await q.api("/api/v1/categories", u.key, { json: { name: "load" } });
      for (let i = 0; i < 10; i++) expect((await q.api("/api/v1/events", u.key, { json: { category: "load" } })).status).toBe(202);
      const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => q.api("/api/v1/events", u.key, { json: { category: "load", fields: { i } } })));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 202)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(150);
      const stored = await q.db
        .selectFrom("event")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(60);
      const refused = responses.find((r) => r.status === 429)!;
      expect((await refused.json()).error.code).toBe("QUOTA_EXCEEDED");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(refused.headers.get("x-quota-remaining")).toBe("0");
      expect(refused.headers.get("x-ratelimit-limit")).toBeTruthy();
    } finally {
      await q.close();
    }
  });

  it("resets at the start of the calendar month (UTC)", async () => {
    const clock = { now: Date.UTC(2026, 10, 30, 23, 59, 58) };
    const q = await startTestApp({ clock, env: { PLAN_EVENT_LIMIT: "2" } });
    try {
      const u = await q.signUpWithKey("rollover@example.com");
      await q.api("/api/v1/categories", u.key, { json: { name: "tick" } });
      expect((await q.api("/api/v1/events", u.key, { json: { category: "tick" } })).status).toBe(202);
      expect((await q.api("/api/v1/events", u.key, { json: { category: "tick" } })).status).toBe(202);
      const full = await q.api("/api/v1/events", u.key, { json: { category: "tick" } });
      expect(full.status).toBe(429);
      expect(full.headers.get("retry-after")).toBe("2");
      expect(full.headers.get("x-quota-reset")).toBe("2026-12-01T00:00:00.000Z");
      clock.now = Date.UTC(2026, 11, 1, 0, 0, 0);
      const fresh = await q.api("/api/v1/events", u.key, { json: { category: "tick" } });
      expect(fresh.status).toBe(202);
      expect(fresh.headers.get("x-quota-remaining")).toBe("1");
      expect(fresh.headers.get("x-quota-reset")).toBe("2027-01-01T00:00:00.000Z");
    } finally {
      await q.close();
    }
  });

  it("rate-limits per API key with Retry-After, and the bucket refills", async () => {
    const clock = { now: Date.now() };
    // The services' own limiter: in memory on SQLite, shared through the database on PostgreSQL.
    const q = await startTestApp({ clock, env: { API_RATE_LIMIT_BURST: "3", API_RATE_LIMIT_PER_SECOND: "1" } });
    try {
      const u = await q.signUpWithKey("ratelimit@example.com");
      await q.api("/api/v1/categories", u.key, { json: { name: "burst" } });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await q.api("/api/v1/events", u.key, { json: { category: "burst" } })).status);
      expect(statuses).toEqual([202, 202, 429]);
      const limited = await q.api("/api/v1/events", u.key, { json: { category: "burst" } });
      expect(limited.status).toBe(429);
      expect((await limited.json()).error.code).toBe("RATE_LIMITED");
      expect(limited.headers.get("retry-after")).toBe("1");
      expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(limited.headers.get("x-quota-limit")).toBeTruthy();
      const stored = await q.db
        .selectFrom("event")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(2);
      clock.now += 1000;
      expect((await q.api("/api/v1/events", u.key, { json: { category: "burst" } })).status).toBe(202);
    } finally {
      await q.close();
    }
  });
});

describe("cursor", () => {
  it("a cursor this API did not return is a clear 422", async () => {
    const res = await t.api("/api/v1/events?cursor=bm9wZQ", a.key);
    expect(res.status).toBe(422);
    expect((await res.json()).error.message).toMatch(/cursor/);
  });
});
