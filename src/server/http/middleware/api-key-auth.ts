import type { MiddlewareHandler } from "hono";
import { authenticateApiKey, type ApiKeyOwner } from "@/server/api-key/api-key.service";
import type { Services } from "@/server/services";
import { sendError } from "../error-envelope";

export type ApiKeyVars = { Variables: { apiKey: ApiKeyOwner } };

/** `Authorization: Bearer pp_…` for /api/v1/*: 401 JSON for a missing header, wrong scheme, unknown or revoked key. */
export function apiKeyAuth(s: Services): MiddlewareHandler<ApiKeyVars> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) return sendError(c, 401, "UNAUTHENTICATED", "Missing Authorization header. Send `Authorization: Bearer <your API key>`.");
    const [scheme, token] = header.trim().split(/\s+/, 2);
    if (scheme?.toLowerCase() !== "bearer" || !token) {
      return sendError(c, 401, "UNAUTHENTICATED", "Use the Bearer scheme: `Authorization: Bearer <your API key>`.");
    }
    const owner = await authenticateApiKey(s.db, s.apiKeyCache, token, (err) => s.logger.warn({ err }, "recording API key use failed"));
    if (!owner) return sendError(c, 401, "UNAUTHENTICATED", "This API key is not valid. It may have been revoked; create one in the dashboard under API keys.");
    c.set("apiKey", owner);
    return next();
  };
}
