import type { Db } from "@/server/db/db";
import { createPgApiKeyRateLimiter, createPgRateLimiter, createPgThrottle } from "@/server/security/limits.postgres";
import { createRateLimiter, type ApiKeyRateLimiter, type RateLimitOptions, type RateLimiter } from "@/server/security/rate-limit";
import { createThrottle, type Throttle, type ThrottleOptions } from "@/server/security/throttle";
import { dialectUnderTest } from "./test-database";

export type LimitImplementation = {
  name: "memory" | "postgres";
  rateLimiter(opts: RateLimitOptions, now: () => number): RateLimiter;
  apiKeyRateLimiter(opts: RateLimitOptions, now: () => number): ApiKeyRateLimiter;
  throttle(opts: ThrottleOptions, now: () => number): Throttle;
};

let scopes = 0;
const fail = (err: unknown) => {
  throw err;
};

/**
 * The limiter implementations a test should hold to the same answers: in memory always, and on
 * a PostgreSQL run also the shared ones on `db()` (read when a limiter is made, so it may be set
 * in beforeAll). Each PostgreSQL rate limiter gets a scope of its own; throttles share the
 * table, so tests give them keys of their own.
 */
export function limitImplementations(db: () => Db): LimitImplementation[] {
  const memory: LimitImplementation = {
    name: "memory",
    rateLimiter: (opts, now) => createRateLimiter({ ...opts, now }),
    apiKeyRateLimiter: (opts, now) => createRateLimiter({ ...opts, now }),
    throttle: (opts, now) => createThrottle({ ...opts, now }),
  };
  const postgres: LimitImplementation = {
    name: "postgres",
    rateLimiter: (opts, now) => createPgRateLimiter({ db: db(), now, onError: fail }, { ...opts, scope: `test-${++scopes}` }),
    apiKeyRateLimiter: (opts, now) => createPgApiKeyRateLimiter({ db: db(), now, onError: fail }, opts),
    throttle: (opts, now) => createPgThrottle({ db: db(), now, onError: fail }, opts),
  };
  return dialectUnderTest() === "postgres" ? [memory, postgres] : [memory];
}
