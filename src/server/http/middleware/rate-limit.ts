import type { MiddlewareHandler } from "hono";
import type { Services } from "@/server/services";
import { sendError } from "../error-envelope";
import { INVALID_KEY_MESSAGE, type ApiKeyVars } from "./api-key-auth";

/**
 * Per-key token bucket; every answer says where the caller stands (X-RateLimit-*). On
 * PostgreSQL the take is one statement that also finds the key revoked (see ApiKeyRateLimiter).
 */
export function rateLimit(s: Services): MiddlewareHandler<ApiKeyVars> {
  return async (c, next) => {
    const outcome = await takeRateLimit(s, c.get("apiKey").keyId);
    for (const [name, value] of outcome.headers) c.header(name, value);
    if (outcome.refusal) return sendError(c, outcome.refusal.status, outcome.refusal.code, outcome.refusal.message);
    return next();
  };
}

/** One request's token: the X-RateLimit-* (and Retry-After) headers, and the refusal when there is one. */
export async function takeRateLimit(s: Services, keyId: string): Promise<{ headers: [string, string][]; refusal?: { status: 401 | 429; code: "UNAUTHENTICATED" | "RATE_LIMITED"; message: string } }> {
  const result = await s.rateLimiter.take(keyId);
  if (!result) {
    // Revoked on another instance whose eviction message has not arrived (or was lost).
    s.apiKeyCache.apply({ type: "api-key.evict", keyId });
    return { headers: [], refusal: { status: 401, code: "UNAUTHENTICATED", message: INVALID_KEY_MESSAGE } };
  }
  const headers: [string, string][] = [
    ["X-RateLimit-Limit", String(result.limit)],
    ["X-RateLimit-Remaining", String(result.remaining)],
  ];
  if (result.allowed) return { headers };
  headers.push(["Retry-After", String(result.retryAfterSeconds)], ["X-RateLimit-Reset", String(result.retryAfterSeconds)]);
  return { headers, refusal: { status: 429, code: "RATE_LIMITED", message: `Too many requests for this API key. Retry in ${result.retryAfterSeconds} s.` } };
}
