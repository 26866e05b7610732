/**
 * The rate limiter and the auth throttle, held to the same answers in memory (the SQLite
 * default) and in PostgreSQL (shared by every instance). On a SQLite run only the in-memory
 * implementations run here; `DATABASE_URL=postgres://… npx vitest run` runs both.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dialectUnderTest } from "../../../tests/support/test-database";
import { limitImplementations } from "../../../tests/support/limit-implementations";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { createPgRateLimiter, createPgThrottle } from "./limits.postgres";
import { createRateLimiter, type RateLimitResult } from "./rate-limit";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.deleteFrom("rate_limit_bucket").execute();
  await t.db.deleteFrom("throttle_window").execute();
});

describe.each(limitImplementations(() => t.db))("rate limiter ($name)", (impl) => {
  it("a full bucket of `burst`, then 429 answers with Retry-After until a token has refilled", async () => {
    const clock = { now: 1_000_000 };
    const limiter = impl.rateLimiter({ perSecond: 1, burst: 3 }, () => clock.now);
    const results: RateLimitResult[] = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.take("k"));
    expect(results).toEqual([
      { allowed: true, limit: 3, remaining: 2, retryAfterSeconds: 0 },
      { allowed: true, limit: 3, remaining: 1, retryAfterSeconds: 0 },
      { allowed: true, limit: 3, remaining: 0, retryAfterSeconds: 0 },
      { allowed: false, limit: 3, remaining: 0, retryAfterSeconds: 1 },
    ]);
    clock.now += 500;
    expect(await limiter.take("k")).toEqual({ allowed: false, limit: 3, remaining: 0, retryAfterSeconds: 1 });
    clock.now += 500;
    expect(await limiter.take("k")).toEqual({ allowed: true, limit: 3, remaining: 0, retryAfterSeconds: 0 });
    // Another key has its own bucket.
    expect(await limiter.take("other")).toEqual({ allowed: true, limit: 3, remaining: 2, retryAfterSeconds: 0 });
    // Idle for long, the bucket is full again, never fuller.
    clock.now += 60_000;
    expect(await limiter.take("k")).toEqual({ allowed: true, limit: 3, remaining: 2, retryAfterSeconds: 0 });
  });

  it("a slow rate (5 per minute): Retry-After counts the seconds until one whole token", async () => {
    const clock = { now: 5_000 };
    const limiter = impl.rateLimiter({ perSecond: 5 / 60, burst: 5 }, () => clock.now);
    for (let i = 0; i < 5; i++) expect((await limiter.take("u")).allowed).toBe(true);
    expect(await limiter.take("u")).toEqual({ allowed: false, limit: 5, remaining: 0, retryAfterSeconds: 12 });
    clock.now += 3_000;
    expect(await limiter.take("u")).toEqual({ allowed: false, limit: 5, remaining: 0, retryAfterSeconds: 9 });
    clock.now += 6_500;
    expect(await limiter.take("u")).toEqual({ allowed: false, limit: 5, remaining: 0, retryAfterSeconds: 3 });
    clock.now += 2_501;
    expect(await limiter.take("u")).toEqual({ allowed: true, limit: 5, remaining: 0, retryAfterSeconds: 0 });
  });

  it("parallel requests at one instant take exactly `burst` tokens", async () => {
    const limiter = impl.rateLimiter({ perSecond: 1, burst: 10 }, () => 42_000);
    const results = await Promise.all(Array.from({ length: 40 }, () => limiter.take("parallel")));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(
      results
        .filter((r) => r.allowed)
        .map((r) => r.remaining)
        .sort((a, b) => a - b),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("the API key limiter answers like the others for an active key", async () => {
    const email = `bucket-${impl.name}@example.com`;
    await t.signUpWithKey(email);
    const { id } = await t.db
      .selectFrom("api_key")
      .select("api_key.id")
      .where("api_key.workspace_id", "=", (await t.ownerAccess(email)).id)
      .executeTakeFirstOrThrow();
    const limiter = impl.apiKeyRateLimiter({ perSecond: 1, burst: 2 }, () => 7_000);
    expect(await limiter.take(id)).toEqual({ allowed: true, limit: 2, remaining: 1, retryAfterSeconds: 0 });
    expect(await limiter.take(id)).toEqual({ allowed: true, limit: 2, remaining: 0, retryAfterSeconds: 0 });
    expect(await limiter.take(id)).toEqual({ allowed: false, limit: 2, remaining: 0, retryAfterSeconds: 1 });
  });
});

describe.each(limitImplementations(() => t.db))("auth throttle ($name)", (impl) => {
  const opts = { windowMs: 60_000, ipMax: 4, accountMax: 2 };

  it("per account across addresses: at the limit the answer is the rest of the window, and a refused attempt counts nowhere", async () => {
    const clock = { now: 100_000 };
    const throttle = impl.throttle(opts, () => clock.now);
    expect(await throttle.attempt("192.0.2.1", "a@example.com")).toBe(0);
    clock.now += 10_000;
    expect(await throttle.attempt("192.0.2.2", "A@Example.com")).toBe(0);
    expect(await throttle.attempt("192.0.2.3", "a@example.com")).toBe(50);
    // 192.0.2.3 was refused, so it has its whole allowance left for another account.
    for (let i = 0; i < 4; i++) expect(await throttle.attempt("192.0.2.3", `x${i}@example.com`)).toBe(0);
    expect(await throttle.attempt("192.0.2.3", "y@example.com")).toBe(60);
    // The refused account attempt did not count on the account either: still blocked to the same end.
    expect(await throttle.attempt("192.0.2.4", "a@example.com")).toBe(50);
    clock.now += 50_000;
    expect(await throttle.attempt("192.0.2.4", "a@example.com")).toBe(0);
  });

  it("per address across accounts, until the window ends", async () => {
    const clock = { now: 0 };
    const throttle = impl.throttle(opts, () => clock.now);
    for (let i = 0; i < 4; i++) expect(await throttle.attempt("198.51.100.9", `spray${i}@example.com`)).toBe(0);
    expect(await throttle.attempt("198.51.100.9")).toBe(60);
    expect(await throttle.attempt("198.51.100.10", "spray9@example.com")).toBe(0);
    clock.now += 59_001;
    expect(await throttle.attempt("198.51.100.9")).toBe(1);
    clock.now += 999;
    expect(await throttle.attempt("198.51.100.9")).toBe(0);
  });

  it("refund gives back one attempt, reset clears the account", async () => {
    const throttle = impl.throttle(opts, () => 5_000);
    expect(await throttle.attempt("203.0.113.1", "r@example.com")).toBe(0);
    expect(await throttle.attempt("203.0.113.2", "r@example.com")).toBe(0);
    await throttle.refund("r@example.com");
    expect(await throttle.attempt("203.0.113.3", "r@example.com")).toBe(0);
    expect(await throttle.attempt("203.0.113.4", "r@example.com")).toBeGreaterThan(0);
    await throttle.reset("R@example.com");
    expect(await throttle.attempt("203.0.113.5", "r@example.com")).toBe(0);
    // Refunding a key that has nothing counted is harmless.
    await throttle.refund("nobody@example.com");
    // 203.0.113.4 was refused, so it was not counted either.
    expect(await throttle.size()).toEqual({ ip: 4, account: 1 });
  });

  it("an empty account is no account: only the address counts", async () => {
    const throttle = impl.throttle(opts, () => 3_000);
    expect(await throttle.attempt("192.0.2.77", "")).toBe(0);
    expect(await throttle.size()).toEqual({ ip: 1, account: 0 });
  });

  it("parallel attempts on one account never pass its limit", async () => {
    const throttle = impl.throttle(opts, () => 9_000);
    const waits = await Promise.all(Array.from({ length: 20 }, (_, i) => throttle.attempt(`10.9.0.${i}`, "parallel@example.com")));
    expect(waits.filter((w) => w === 0)).toHaveLength(2);
    expect(waits.filter((w) => w === 60)).toHaveLength(18);
  });
});

describe.runIf(dialectUnderTest() === "postgres")("on PostgreSQL", () => {
  it("gives the same answers as memory over a long random sequence (fractional refills, several keys)", async () => {
    const clock = { now: 1_700_000_000_000 };
    const opts = { perSecond: 7 / 3, burst: 5 };
    const memory = createRateLimiter({ ...opts, now: () => clock.now });
    const shared = createPgRateLimiter({ db: t.db, now: () => clock.now, onError: (err) => expect.fail(String(err)) }, { ...opts, scope: "random" });
    let seed = 17;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 400; i++) {
      clock.now += Math.floor(random() * 900);
      const key = `k${Math.floor(random() * 3)}`;
      expect(await shared.take(key), `step ${i}`).toEqual(await memory.take(key));
    }
  });

  it("a revoked key, or one of a deleted account, gets no token: undefined, in the same statement", async () => {
    const { createPgApiKeyRateLimiter } = await import("./limits.postgres");
    const u = await t.signUpWithKey("guard@example.com");
    const keyRow = await t.db
      .selectFrom("api_key")
      .select("api_key.id")
      .where("api_key.workspace_id", "=", (await t.ownerAccess("guard@example.com")).id)
      .executeTakeFirstOrThrow();
    const limiter = createPgApiKeyRateLimiter({ db: t.db, now: () => 1_000, onError: (err) => expect.fail(String(err)) }, { perSecond: 1, burst: 5 });
    expect((await limiter.take(keyRow.id))?.allowed).toBe(true);
    await t.db.updateTable("api_key").set({ revoked_at: new Date().toISOString() }).where("id", "=", keyRow.id).execute();
    expect(await limiter.take(keyRow.id)).toBeUndefined();
    expect(await limiter.take("no-such-key")).toBeUndefined();
    // Through the API: the key is refused even while this instance still has it cached.
    expect((await t.api("/api/v1/quota", u.key)).status).toBe(401);

    const other = await t.signUpWithKey("guard-deleted@example.com");
    expect((await t.api("/api/v1/quota", other.key)).status).toBe(200);
    // Deleting an account deletes the workspaces it owns, with their keys.
    await t.db
      .deleteFrom("workspace")
      .where("id", "=", (await t.ownerAccess("guard-deleted@example.com")).id)
      .execute();
    // The cache still holds the key (nothing told it); the rate-limit statement refuses it.
    expect((await t.api("/api/v1/quota", other.key)).status).toBe(401);
  });

  it("deletes full buckets and ended windows on a later write, at most once a minute", async () => {
    const clock = { now: 10_000_000 };
    const deps = { db: t.db, now: () => clock.now, onError: (err: unknown) => expect.fail(String(err)) };
    const limiter = createPgRateLimiter(deps, { perSecond: 10, burst: 5, scope: "sweep" });
    const throttle = createPgThrottle(deps, { windowMs: 30_000, ipMax: 3, accountMax: 3 });
    for (let i = 0; i < 50; i++) await limiter.take(`key-${i}`);
    for (let i = 0; i < 50; i++) await throttle.attempt(`10.1.0.${i}`, `sweep${i}@example.com`);
    expect(await t.countRows("rate_limit_bucket")).toBe(50);
    expect(await t.countRows("throttle_window")).toBe(100);
    clock.now += 61_000; // every bucket is full again, every window has ended, a minute has passed
    await limiter.take("fresh");
    await throttle.attempt("10.2.0.1");
    await expect.poll(() => t.countRows("rate_limit_bucket")).toBe(1);
    await expect.poll(() => t.countRows("throttle_window")).toBe(1);
    // A bucket that is not full yet stays.
    clock.now += 60_000;
    for (let i = 0; i < 5; i++) await limiter.take("busy");
    const keys = async () => (await sql<{ key: string }>`select key from rate_limit_bucket order by key`.execute(t.db)).rows.map((r) => r.key);
    await expect.poll(keys).toEqual(["sweep:busy"]);
  });
});
