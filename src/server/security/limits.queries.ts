import { sql } from "kysely";
import type { Db } from "@/server/db/db";

/**
 * PostgreSQL only: the shared rate-limit buckets and throttle windows (limits.postgres.ts). On
 * SQLite the limits live in memory and these tables stay empty. Times are epoch milliseconds of
 * the services' clock, passed in; every parameter is cast, as pg sends them untyped.
 */

export type BucketTake = { key: string; now: number; perSecond: number; burst: number };

/**
 * Takes one token from `key`'s bucket in one statement: the row is created full (less this
 * token), or refilled by the time elapsed since its last request and, when it holds a whole
 * token, decremented. Two instances taking from one key serialize on its row lock, each seeing
 * the other's result. Returns the tokens left and whether this request got one.
 *
 * With `activeApiKeyId`, the row is written only while that API key exists and is not revoked:
 * no row comes back for a revoked key or a deleted account, so the same round trip refuses it
 * on every instance from the moment the revocation commits.
 */
export async function takeBucketToken(db: Db, p: BucketTake & { activeApiKeyId?: string }) {
  // The limits are the server's own numbers (env), written as literals; the request's time is a
  // parameter, which the update reads back as `excluded.updated_at`.
  if (!Number.isFinite(p.burst) || !Number.isFinite(p.perSecond)) throw new Error("rate limit options must be numbers");
  const burst = sql`${sql.lit(p.burst)}::float8`;
  const perSecond = sql`${sql.lit(p.perSecond)}::float8`;
  const now = sql`excluded.updated_at`;
  const source = p.activeApiKeyId === undefined ? sql`` : sql`join api_key on api_key.id = ${p.activeApiKeyId}::text and revoked_at is null`;
  // The bucket refilled by the time since its last request, capped at `burst`; the token is
  // taken when it holds a whole one. Written out in each column rather than in a sub-select:
  // planning the nested form cost more than running it (bench/rate-limit.ts).
  const refilled = sql`least(${burst}, b.tokens + (greatest(0, ${now} - b.updated_at)::float8 / 1000) * ${perSecond})`;
  const left = sql`(case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end)`;
  const { rows } = await sql<{ tokens: number; allowed: boolean }>`
    insert into rate_limit_bucket as b (key, tokens, allowed, updated_at, expires_at)
    select ${p.key}::text, ${burst} - 1, true, t.now, t.now + ceil(1000 / ${perSecond})::bigint
    from (select ${p.now}::bigint as now) as t
    ${source}
    on conflict (key) do update set
      tokens = ${left},
      allowed = ${refilled} >= 1,
      updated_at = greatest(b.updated_at, ${now}),
      expires_at = ${now} + ceil((${burst} - ${left}) * 1000 / ${perSecond})::bigint
    returning tokens, allowed`.execute(db);
  return rows[0];
}

/** Buckets that have refilled completely: the same as no row. */
export async function deleteFullBuckets(db: Db, now: number) {
  const result = await db.deleteFrom("rate_limit_bucket").where("expires_at", "<=", sql<string>`${now}::bigint`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export type ThrottleKey = { key: string; max: number };

/**
 * Counts one attempt against each key (at most two: the client address and the account) in one
 * statement. A key whose window has ended starts a new one at 1; a key at its `max` is left as
 * it is and comes back with `counted` false and the end of its window. The guard is evaluated on
 * the locked, latest row, so concurrent attempts on any instance never count past `max`. Rows
 * are locked in the order given (address first, always), so two attempts cannot deadlock.
 */
export async function countThrottleAttempts(db: Db, p: { keys: [ThrottleKey] | [ThrottleKey, ThrottleKey]; now: number; windowMs: number }) {
  const now = sql`${p.now}::bigint`;
  const [first, second] = p.keys;
  // The limit of the row being updated: one of the (one or two) keys of this statement.
  const max = sql`(case when w.key = ${first.key}::text then ${first.max}::int else ${second?.max ?? first.max}::int end)`;
  const { rows } = await sql<{ key: string; reset_at: string; counted: boolean }>`
    insert into throttle_window as w (key, count, counted, reset_at)
    select k, 1, true, ${now} + ${p.windowMs}::bigint from unnest(${p.keys.map((k) => k.key)}::text[]) with ordinality as input(k, n)
    order by n
    on conflict (key) do update set
      count = case when w.reset_at <= ${now} then 1 when w.count < ${max} then w.count + 1 else w.count end,
      counted = w.reset_at <= ${now} or w.count < ${max},
      reset_at = case when w.reset_at <= ${now} then excluded.reset_at else w.reset_at end
    returning key, reset_at, counted`.execute(db);
  return rows.map((r) => ({ key: r.key, resetAt: Number(r.reset_at), counted: r.counted }));
}

/** Gives back one attempt on each of `keys` whose window is still open. */
export async function refundThrottleAttempts(db: Db, keys: string[], now: number) {
  await db
    .updateTable("throttle_window")
    .set((eb) => ({ count: eb("count", "-", 1) }))
    .where("key", "in", keys)
    .where("reset_at", ">", sql<string>`${now}::bigint`)
    .where("count", ">", 0)
    .execute();
}

export async function deleteThrottleWindow(db: Db, key: string) {
  await db.deleteFrom("throttle_window").where("key", "=", key).execute();
}

/** Windows that have ended: the same as no row. */
export async function deleteEndedThrottleWindows(db: Db, now: number) {
  const result = await db.deleteFrom("throttle_window").where("reset_at", "<=", sql<string>`${now}::bigint`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Keys with an open window whose key starts with each prefix (diagnostics and tests). */
export async function countOpenThrottleWindows(db: Db, now: number, prefixes: string[]) {
  const { rows } = await sql<{ prefix: string; n: string }>`
    select p.prefix, count(w.key) as n
    from unnest(${prefixes}::text[]) as p(prefix)
    left join throttle_window w on starts_with(w.key, p.prefix) and w.reset_at > ${now}::bigint
    group by p.prefix`.execute(db);
  return new Map(rows.map((r) => [r.prefix, Number(r.n)]));
}
