import { type AcceptedEvent, type BatchResult, type Category, isDisabled, PingPilot, PingPilotError, type Quota, type TrackInput } from "../src/index.js";
import { between, deepEqual, equal, ok, rejection } from "./support/assert.js";
import type { SdkFixtures } from "./support/global-setup.js";

/**
 * The SDK's behaviour against a real PingPilot and the failure servers, written with nothing
 * but Web-standard APIs (fetch, AbortController, setTimeout, crypto): test/sdk.test.ts runs
 * these cases on Node, test/sdk.edge.test.ts bundles this very file and runs it inside an Edge
 * Runtime VM, where `process`, `require` and `Buffer` do not exist.
 */

export type Ctx = Omit<SdkFixtures, "packageDir">;

const uid = () => crypto.randomUUID();
const runtime = () => (typeof (globalThis as { process?: unknown }).process === "undefined" ? "edge" : "node");

/** A client of the real server. */
const real = (ctx: Ctx, extra: Partial<ConstructorParameters<typeof PingPilot>[0]> = {}) => new PingPilot({ apiKey: ctx.key, baseUrl: ctx.url, ...extra });
/** A client of a stub scenario, with its own id; `seen()` lists what the stub got. */
function stub(ctx: Ctx, scenario: string, extra: Partial<ConstructorParameters<typeof PingPilot>[0]> = {}) {
  const id = uid();
  const client = new PingPilot({ apiKey: "pp_stub", baseUrl: `${ctx.stubUrl}/${scenario}/${id}`, ...extra });
  const seen = async () => ((await (await fetch(`${ctx.stubUrl}/_stats/${id}`)).json()) as { requests: { method: string; path: string; idempotencyKey: string | null; at: number }[] }).requests;
  return { client, seen };
}

function enabled<T>(result: T): Exclude<T, { disabled: true }> {
  ok(!isDisabled(result), "the client is enabled");
  return result as Exclude<T, { disabled: true }>;
}

async function eventsWithDescription(ctx: Ctx, description: string) {
  const page = enabled(await real(ctx).events.list({ category: ctx.category, limit: 100 }));
  return page.data.filter((e) => e.description === description);
}

async function expectError(promise: Promise<unknown>, what: string): Promise<PingPilotError> {
  const error = await rejection(promise, what);
  ok(error instanceof PingPilotError, `${what}: a PingPilotError, got ${String(error)}`);
  return error;
}

export const cases: [name: string, run: (ctx: Ctx) => Promise<void>][] = [
  [
    "track stores an event and resolves to the 202 body",
    async (ctx) => {
      const description = `track ${runtime()} ${uid()}`;
      const when = new Date(Date.now() - 60_000);
      const result = enabled(
        await real(ctx).track({ category: ctx.category.toUpperCase(), description, fields: { plan: "PRO", amount: 49, paid: true }, tags: ["sdk"], timestamp: when, notify: false }),
      );
      ok(typeof result.id === "string" && result.id.length > 0, "id");
      equal(result.category, ctx.category, "category (matched case-insensitively)");
      ok(!Number.isNaN(Date.parse(result.createdAt)), "createdAt is a date");
      ok(Array.isArray(result.deliveries), "deliveries");
      const [stored, ...more] = await eventsWithDescription(ctx, description);
      equal(more.length, 0, "one event stored");
      ok(stored, "the event is listed");
      equal(stored.id, result.id, "the listed event is the tracked one");
      deepEqual(stored.fields, { plan: "PRO", amount: 49, paid: true }, "fields keep their types");
      deepEqual(stored.tags, ["sdk"], "tags");
      equal(stored.notify, false, "notify");
      equal(Date.parse(stored.occurredAt), when.getTime(), "timestamp (a Date, sent as ISO-8601)");
    },
  ],
  [
    "track with the same idempotencyKey twice stores one event",
    async (ctx) => {
      const description = `idem ${runtime()} ${uid()}`;
      const idempotencyKey = `order-${uid()}`;
      const first = enabled(await real(ctx).track({ category: ctx.category, description, idempotencyKey }));
      const second = enabled(await real(ctx).track({ category: ctx.category, description, idempotencyKey }));
      equal(second.id, first.id, "the second answer is the first event's");
      equal((await eventsWithDescription(ctx, description)).length, 1, "events stored");
    },
  ],
  [
    "batch sends many events; each gets its own result; a retried batch stores nothing twice",
    async (ctx) => {
      const description = `batch ${runtime()} ${uid()}`;
      const events: TrackInput[] = [
        { category: ctx.category, description, fields: { n: 1 }, idempotencyKey: `b-${uid()}` },
        { category: ctx.category, description, fields: { n: 2 }, idempotencyKey: `b-${uid()}` },
        { category: `missing-${uid().slice(0, 8)}`, description },
      ];
      const first: BatchResult = enabled(await real(ctx).batch(events));
      deepEqual(
        first.results.map((r) => r.status),
        [202, 202, 404],
        "statuses",
      );
      const refused = first.results[2]!;
      ok("error" in refused && refused.error.code.length > 0, "a refused event carries the API's error");
      const again = enabled(await real(ctx).batch(events.slice(0, 2)));
      deepEqual(
        again.results.map((r) => ("replayed" in r ? r.replayed : undefined)),
        [true, true],
        "replayed",
      );
      equal((await eventsWithDescription(ctx, description)).length, 2, "events stored");
    },
  ],
  [
    "categories.list, categories.create and quota answer as the API documents",
    async (ctx) => {
      const pp = real(ctx);
      const name = `c-${uid().slice(0, 12)}`;
      const created: Category = enabled(await pp.categories.create({ name: name.toUpperCase(), color: "#54A0FF", emoji: "🚀" }));
      equal(created.name, name, "stored lowercase");
      equal(created.color, "#54A0FF", "color");
      equal(created.emoji, "🚀", "emoji");
      const list = enabled(await pp.categories.list());
      ok(
        list.data.some((c) => c.id === created.id),
        "listed",
      );
      const duplicate = await expectError(pp.categories.create({ name }), "a duplicate name");
      equal(duplicate.status, 409, "status");
      equal(duplicate.attempts, 1, "a 409 is not retried");
      const quota: Quota = enabled(await pp.quota());
      ok(["FREE", "PRO", "ENTERPRISE"].includes(quota.plan), "plan");
      ok(quota.used >= 1 && quota.remaining === quota.limit - quota.used, "used and remaining");
      ok(quota.categories.used >= 2, "categories used");
    },
  ],
  [
    "API errors are PingPilotErrors with status, code and details, and 4xx is never retried",
    async (ctx) => {
      const pp = real(ctx, { retries: 3 });
      const unknown = await expectError(pp.track({ category: `nope-${uid().slice(0, 8)}` }), "an unknown category");
      equal(unknown.status, 404, "status");
      equal(unknown.attempts, 1, "attempts");
      ok(/^[A-Z_]+$/.test(unknown.code), `an UPPER_SNAKE code, got ${unknown.code}`);
      const invalid = await expectError(pp.track({ category: ctx.category, fields: { nested: { no: 1 } as never } }), "an invalid field");
      equal(invalid.status, 422, "status");
      equal(invalid.code, "VALIDATION_FAILED", "code");
      ok(Array.isArray(invalid.details) && JSON.stringify(invalid.details).includes("fields.nested"), "details name the field");
      const unauthenticated = await expectError(new PingPilot({ apiKey: "pp_wrong", baseUrl: ctx.url }).quota(), "a wrong key");
      equal(unauthenticated.status, 401, "status");
      equal(unauthenticated.code, "UNAUTHENTICATED", "code");
      equal(unauthenticated.name, "PingPilotError", "name");
      ok(unauthenticated instanceof Error, "an Error");

      const { client, seen } = stub(ctx, "r422");
      const stubbed = await expectError(client.track({ category: "x" }), "a stubbed 422");
      deepEqual(stubbed.details, [{ field: "fields.amount", message: "bad" }], "details");
      equal((await seen()).length, 1, "requests");
    },
  ],
  [
    "a retry after a dropped answer stores one event (the Idempotency-Key is reused)",
    async (ctx) => {
      const pp = new PingPilot({ apiKey: ctx.key, baseUrl: ctx.proxyUrl, retries: 2 });
      const description = `dropped ${runtime()} ${uid()}`;
      const idempotencyKey = `drop-${uid()}`;
      const result = enabled(await pp.track({ category: ctx.category, description, idempotencyKey }));
      const stats = (await (await fetch(`${ctx.proxyUrl}/_stats?key=${idempotencyKey}`)).json()) as { requests: number };
      equal(stats.requests, 2, "the proxy saw the first attempt and its retry");
      const stored = await eventsWithDescription(ctx, description);
      equal(stored.length, 1, "events stored");
      equal(stored[0]!.id, result.id, "the answer is the stored event");

      // Without an idempotencyKey the SDK makes one up, the same for both attempts.
      const generated = `dropped-generated ${runtime()} ${uid()}`;
      enabled(await pp.track({ category: ctx.category, description: generated }));
      equal((await eventsWithDescription(ctx, generated)).length, 1, "events stored (generated key)");

      // A batch: each event's generated idempotencyKey is sent again with the retry.
      const batched = `dropped-batch ${runtime()} ${uid()}`;
      const batch = enabled(
        await pp.batch([
          { category: ctx.category, description: batched },
          { category: ctx.category, description: batched },
        ]),
      );
      deepEqual(
        batch.results.map((r) => r.status),
        [202, 202],
        "statuses",
      );
      equal((await eventsWithDescription(ctx, batched)).length, 2, "batch events stored once each");
    },
  ],
  [
    "429 with Retry-After in seconds: waits that long, then retries with the same key",
    async (ctx) => {
      const { client, seen } = stub(ctx, "r429s");
      const started = Date.now();
      const result = enabled(await client.track({ category: "x" }));
      const elapsed = Date.now() - started;
      ok(result.id.startsWith("evt_"), "the 202 body");
      const requests = await seen();
      equal(requests.length, 2, "attempts");
      between(requests[1]!.at - requests[0]!.at, 950, 2_500, "wait between the attempts (ms)");
      between(elapsed, 950, 3_000, "elapsed (ms)");
      ok(requests[0]!.idempotencyKey && requests[0]!.idempotencyKey === requests[1]!.idempotencyKey, "the same Idempotency-Key on both attempts");
    },
  ],
  [
    "429 with Retry-After as an HTTP date: waits until then",
    async (ctx) => {
      const { client, seen } = stub(ctx, "r429d");
      enabled(await client.track({ category: "x" }));
      const requests = await seen();
      equal(requests.length, 2, "attempts");
      between(requests[1]!.at - requests[0]!.at, 900, 3_500, "wait between the attempts (ms)");
    },
  ],
  [
    "5xx and non-JSON errors are retried with backoff until the API answers",
    async (ctx) => {
      const { client, seen } = stub(ctx, "r503", { retries: 3 });
      enabled(await client.track({ category: "x" }));
      const requests = await seen();
      equal(requests.length, 3, "attempts");
      ok(new Set(requests.map((r) => r.idempotencyKey)).size === 1, "one Idempotency-Key for all attempts");
      between(requests[1]!.at - requests[0]!.at, 200, 1_500, "first backoff (ms)");

      const failing = stub(ctx, "r503", { retries: 1 });
      const error = await expectError(failing.client.track({ category: "x" }), "retries used up");
      equal(error.status, 502, "the last answer's status");
      equal(error.code, "HTTP_ERROR", "a non-JSON error answer");
      equal(error.attempts, 2, "attempts");
    },
  ],
  [
    "QUOTA_EXCEEDED and a Retry-After beyond maxRetryDelayMs are not waited for",
    async (ctx) => {
      const quota = stub(ctx, "quota");
      const started = Date.now();
      const error = await expectError(quota.client.track({ category: "x" }), "quota exceeded");
      equal(error.code, "QUOTA_EXCEEDED", "code");
      equal(error.status, 429, "status");
      equal(error.retryAfter, 86_400, "retryAfter (seconds)");
      equal(error.retryable, false, "retryable");
      equal((await quota.seen()).length, 1, "requests");

      const long = stub(ctx, "r429long", { maxRetryDelayMs: 1_000 });
      const tooLong = await expectError(long.client.track({ category: "x" }), "Retry-After 5 s, limit 1 s");
      equal(tooLong.code, "RATE_LIMITED", "code");
      equal(tooLong.retryAfter, 5, "retryAfter");
      equal((await long.seen()).length, 1, "requests");
      ok(Date.now() - started < 1_000, "no waiting");
    },
  ],
  [
    "a timeout ends each attempt after timeoutMs; a timed-out attempt is retried",
    async (ctx) => {
      const once = stub(ctx, "slow", { timeoutMs: 300, retries: 0 });
      let started = Date.now();
      const error = await expectError(once.client.track({ category: "x" }), "a request that never ends");
      between(Date.now() - started, 250, 2_000, "elapsed (ms)");
      equal(error.code, "TIMEOUT", "code");
      equal(error.status, undefined, "status");
      equal(error.attempts, 1, "attempts");

      const twice = stub(ctx, "slow", { timeoutMs: 5_000, retries: 1 });
      started = Date.now();
      const again = await expectError(twice.client.track({ category: "x" }, { timeoutMs: 200 }), "per-call timeoutMs");
      equal(again.code, "TIMEOUT", "code");
      equal(again.attempts, 2, "attempts");
      ok(Date.now() - started < 3_000, "the per-call timeout wins over the client's");
      equal((await twice.seen()).length, 2, "requests");
    },
  ],
  [
    "an AbortSignal aborts the request in flight, the wait before a retry, and a call not yet started",
    async (ctx) => {
      const inFlight = stub(ctx, "slow", { timeoutMs: 10_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("user gave up")), 150);
      let started = Date.now();
      const error = await expectError(inFlight.client.track({ category: "x" }, { signal: controller.signal }), "aborted in flight");
      equal(error.code, "ABORTED", "code");
      equal(error.attempts, 1, "attempts");
      equal((error.cause as Error).message, "user gave up", "the abort reason is the cause");
      between(Date.now() - started, 100, 2_000, "elapsed (ms)");

      const waiting = stub(ctx, "r429long");
      const waitController = new AbortController();
      setTimeout(() => waitController.abort(), 300);
      started = Date.now();
      const duringWait = await expectError(waiting.client.track({ category: "x" }, { signal: waitController.signal }), "aborted while waiting for Retry-After");
      equal(duringWait.code, "ABORTED", "code");
      ok(Date.now() - started < 2_000, "did not wait the 5 s");
      equal((await waiting.seen()).length, 1, "requests");

      const before = stub(ctx, "ok");
      const aborted = new AbortController();
      aborted.abort();
      const notStarted = await expectError(before.client.quota({ signal: aborted.signal }), "aborted before the call");
      equal(notStarted.attempts, 0, "attempts");
      equal((await before.seen()).length, 0, "requests");
    },
  ],
  [
    "network errors are retried, then thrown as NETWORK_ERROR; a non-JSON 2xx is INVALID_RESPONSE",
    async (ctx) => {
      // Nothing listens there: the connection is refused.
      const pp = new PingPilot({ apiKey: "pp_x", baseUrl: ctx.deadUrl, retries: 1, timeoutMs: 2_000 });
      const error = await expectError(pp.track({ category: "x" }), "an unreachable server");
      equal(error.code, "NETWORK_ERROR", "code");
      equal(error.status, undefined, "status");
      ok(error.message.includes(ctx.deadUrl), `the message names the URL: ${error.message}`);
      equal(error.attempts, 2, "attempts");
      equal(error.retryable, true, "retryable");

      const html = stub(ctx, "html200");
      const invalid = await expectError(html.client.quota(), "a 200 with HTML");
      equal(invalid.code, "INVALID_RESPONSE", "code");
      equal(invalid.status, 200, "status");
      equal((await html.seen()).length, 1, "not retried");
    },
  ],
  [
    "disabled: every call resolves to { disabled: true, reason } and sends nothing",
    async (ctx) => {
      let fetched = 0;
      const counting = async (input: string, init: RequestInit) => {
        fetched++;
        return fetch(input, init);
      };
      const off = new PingPilot({ apiKey: ctx.key, baseUrl: ctx.url, disabled: true, fetch: counting });
      equal(off.enabled, false, "enabled");
      const expected = { disabled: true, reason: "disabled" };
      deepEqual(await off.track({ category: ctx.category }), expected, "track");
      deepEqual(await off.batch([{ category: ctx.category }]), expected, "batch");
      deepEqual(await off.categories.list(), expected, "categories.list");
      deepEqual(await off.categories.create({ name: "x" }), expected, "categories.create");
      deepEqual(await off.quota(), expected, "quota");
      deepEqual(await off.events.list(), expected, "events.list");
      for (const apiKey of [undefined, "", "  "]) {
        const noKey = new PingPilot({ apiKey, fetch: counting });
        deepEqual(await noKey.track({ category: ctx.category }), { disabled: true, reason: "no-api-key" }, `no key (${String(apiKey)})`);
        ok(isDisabled(await noKey.quota()), "isDisabled");
      }
      equal(fetched, 0, "requests");
      ok(!isDisabled(await new PingPilot({ apiKey: ctx.key, baseUrl: ctx.url, fetch: counting }).quota()), "enabled again");
      equal(fetched, 1, "the fetch option is used");
      let threw = false;
      try {
        new PingPilot({ apiKey: ctx.key });
      } catch (error) {
        threw = error instanceof TypeError && /baseUrl/.test(error.message);
      }
      ok(threw, "a key without baseUrl is a TypeError");
    },
  ],
  [
    "a baseUrl with a trailing slash or /api/v1 works the same",
    async (ctx) => {
      for (const baseUrl of [`${ctx.url}/`, `${ctx.url}/api/v1`, `${ctx.url}/api/v1/`]) {
        const accepted: AcceptedEvent = enabled(await new PingPilot({ apiKey: ctx.key, baseUrl }).track({ category: ctx.category, description: `base ${baseUrl}` }));
        equal(accepted.category, ctx.category, baseUrl);
      }
    },
  ],
];

/** Runs one case by name (the edge VM calls this through the bundle's global). */
export async function run(name: string, ctx: Ctx): Promise<void> {
  const found = cases.find(([n]) => n === name);
  if (!found) throw new Error(`no case named "${name}"`);
  await found[1](ctx);
}

export const names = () => cases.map(([name]) => name);
