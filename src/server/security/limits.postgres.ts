/**
 * The rate limit and the auth throttle on PostgreSQL: one row per key, read and written by one
 * atomic `insert … on conflict do update … returning` per check, so every instance sharing the
 * database enforces the same limits (N instances do not allow N times as much). Same answers
 * as the in-memory implementations (rate-limit.ts, throttle.ts), which the SQLite default uses.
 *
 * Expired rows (a bucket full again, a window ended) mean the same as no row. Each limiter
 * deletes them at most once a minute, after a check and off the request.
 */
import type { Db } from "@/server/db/db";
import {
  countOpenThrottleWindows,
  countThrottleAttempts,
  deleteEndedThrottleWindows,
  deleteFullBuckets,
  deleteThrottleWindow,
  refundThrottleAttempts,
  takeBucketToken,
  type ThrottleKey,
} from "./limits.queries";
import { rateLimitResult, type ApiKeyRateLimiter, type RateLimitOptions, type RateLimiter } from "./rate-limit";
import { accountKey, ipKey, type Throttle, type ThrottleOptions } from "./throttle";

const SWEEP_INTERVAL_MS = 60_000;

type PgLimitDeps = { db: Db; now: () => number; onError: (err: unknown) => void };

/** Runs `sweep` when a minute has passed since the last one; never awaited by the request. */
function sweeper(deps: PgLimitDeps, sweep: (db: Db, now: number) => Promise<unknown>) {
  let next = 0;
  return (now: number) => {
    if (now < next) return;
    next = now + SWEEP_INTERVAL_MS;
    sweep(deps.db, now).catch(deps.onError);
  };
}

/**
 * A token bucket per key in `rate_limit_bucket`, under `scope` (one table serves every limiter).
 * One statement, one round trip per take.
 */
export function createPgRateLimiter(deps: PgLimitDeps, opts: RateLimitOptions & { scope: string }): RateLimiter {
  const sweep = sweeper(deps, deleteFullBuckets);
  return {
    async take(key) {
      const now = deps.now();
      const row = await takeBucketToken(deps.db, { key: `${opts.scope}:${key}`, now, ...opts });
      sweep(now);
      if (!row) throw new Error("rate limit statement returned no row");
      return rateLimitResult(opts, row.tokens, row.allowed);
    },
  };
}

/**
 * The public API's per-key limiter: the same bucket, taken only while the key is active, so a
 * revoked key (or one of a deleted account) is refused by every instance at once, in the same
 * round trip (see ApiKeyRateLimiter).
 */
export function createPgApiKeyRateLimiter(deps: PgLimitDeps, opts: RateLimitOptions): ApiKeyRateLimiter {
  const sweep = sweeper(deps, deleteFullBuckets);
  return {
    async take(keyId) {
      const now = deps.now();
      const row = await takeBucketToken(deps.db, { key: `api-key:${keyId}`, now, ...opts, activeApiKeyId: keyId });
      sweep(now);
      return row && rateLimitResult(opts, row.tokens, row.allowed);
    },
  };
}

const IP = "ip:";
const ACCOUNT = "account:";

/** Fixed windows per client address and per account in `throttle_window`. */
export function createPgThrottle(deps: PgLimitDeps, opts: ThrottleOptions): Throttle {
  const sweep = sweeper(deps, deleteEndedThrottleWindows);
  const account = (email: string) => `${ACCOUNT}${accountKey(email)}`;

  return {
    async attempt(ip, email) {
      const now = deps.now();
      const ipRow: ThrottleKey = { key: `${IP}${ipKey(ip)}`, max: opts.ipMax };
      const keys: [ThrottleKey] | [ThrottleKey, ThrottleKey] = email ? [ipRow, { key: account(email), max: opts.accountMax }] : [ipRow];
      // A refused attempt counts nowhere, not even for a moment on its other key: the count is
      // rolled back with the transaction, so a blocked address guessing at an account never
      // uses up that account's attempts.
      const trx = await deps.db.startTransaction().execute();
      let refused: { resetAt: number }[];
      try {
        refused = (await countThrottleAttempts(trx, { keys, now, windowMs: opts.windowMs })).filter((r) => !r.counted);
      } catch (error) {
        await trx.rollback().execute();
        throw error;
      }
      await (refused.length ? trx.rollback() : trx.commit()).execute();
      sweep(now);
      if (!refused.length) return 0;
      return Math.max(...refused.map((r) => Math.max(1, Math.ceil((r.resetAt - now) / 1000))));
    },
    refund: (email) => refundThrottleAttempts(deps.db, [account(email)], deps.now()),
    reset: (email) => deleteThrottleWindow(deps.db, account(email)),
    async size() {
      const open = await countOpenThrottleWindows(deps.db, deps.now(), [IP, ACCOUNT]);
      return { ip: open.get(IP) ?? 0, account: open.get(ACCOUNT) ?? 0 };
    },
  };
}
