import type { MiddlewareHandler } from "hono";
import type { Services } from "@/server/services";
import { sendError } from "../error-envelope";
import type { ApiKeyVars } from "./api-key-auth";

/** Per-key token bucket; every answer says where the caller stands (X-RateLimit-*). */
export function rateLimit(s: Services): MiddlewareHandler<ApiKeyVars> {
  return async (c, next) => {
    const result = s.rateLimiter.take(c.get("apiKey").keyId);
    c.header("X-RateLimit-Limit", String(result.limit));
    c.header("X-RateLimit-Remaining", String(result.remaining));
    if (!result.allowed) {
      c.header("Retry-After", String(result.retryAfterSeconds));
      c.header("X-RateLimit-Reset", String(result.retryAfterSeconds));
      return sendError(c, 429, "RATE_LIMITED", `Too many requests for this API key. Retry in ${result.retryAfterSeconds} s.`);
    }
    return next();
  };
}
