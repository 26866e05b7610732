/**
 * Token bucket per key: `perSecond` sustained, `burst` at once. Two implementations with the
 * same answers: this one in memory, for the SQLite default where one process serves every
 * request; and `createPgRateLimiter` (limits.postgres.ts), one row per key in PostgreSQL, so
 * any number of instances share each key's bucket. services.ts picks by dialect.
 */
export type RateLimitResult = { allowed: boolean; limit: number; remaining: number; retryAfterSeconds: number };

export type RateLimitOptions = { perSecond: number; burst: number };

export type RateLimiter = { take(key: string): Promise<RateLimitResult> };

/**
 * The per-API-key limiter of the public API. `undefined`: the key is no longer active (revoked,
 * or its account deleted). On PostgreSQL that is checked in the same statement that takes the
 * token, so every instance refuses a revoked key from the moment the revocation commits, before
 * the eviction message reaches its key cache; in memory (one process) the cache is evicted
 * synchronously and this never answers `undefined`.
 */
export type ApiKeyRateLimiter = { take(keyId: string): Promise<RateLimitResult | undefined> };

/** The answer for a bucket holding `tokens` after this request (one was taken if `allowed`). */
export function rateLimitResult(opts: RateLimitOptions, tokens: number, allowed: boolean): RateLimitResult {
  if (!allowed) return { allowed: false, limit: opts.burst, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / opts.perSecond)) };
  return { allowed: true, limit: opts.burst, remaining: Math.floor(tokens), retryAfterSeconds: 0 };
}

export function createRateLimiter(opts: RateLimitOptions & { now?: () => number }) {
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();

  function takeNow(key: string): RateLimitResult {
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: opts.burst, at: t };
    bucket.tokens = Math.min(opts.burst, bucket.tokens + ((t - bucket.at) / 1000) * opts.perSecond);
    bucket.at = t;
    buckets.set(key, bucket);
    if (buckets.size > 100_000) buckets.clear(); // bounded memory; a cleared bucket starts full
    if (bucket.tokens < 1) return rateLimitResult(opts, bucket.tokens, false);
    bucket.tokens -= 1;
    return rateLimitResult(opts, bucket.tokens, true);
  }

  return {
    /** Settles at once: nothing is awaited in memory. */
    take: async (key: string) => takeNow(key),
  } satisfies RateLimiter;
}
