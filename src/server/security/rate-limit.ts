/**
 * Token bucket per API key: `perSecond` sustained, `burst` at once. In memory: a key
 * is served by one process on the SQLite default; with several instances each enforces its share.
 */
export type RateLimitResult = { allowed: boolean; limit: number; remaining: number; retryAfterSeconds: number };

export function createRateLimiter(opts: { perSecond: number; burst: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();

  return {
    take(key: string): RateLimitResult {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: opts.burst, at: t };
      bucket.tokens = Math.min(opts.burst, bucket.tokens + ((t - bucket.at) / 1000) * opts.perSecond);
      bucket.at = t;
      buckets.set(key, bucket);
      if (buckets.size > 100_000) buckets.clear(); // bounded memory; a cleared bucket starts full
      if (bucket.tokens < 1) {
        return { allowed: false, limit: opts.burst, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / opts.perSecond)) };
      }
      bucket.tokens -= 1;
      return { allowed: true, limit: opts.burst, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
