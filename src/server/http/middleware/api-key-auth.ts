import type { MiddlewareHandler } from "hono";
import { authenticateApiKey } from "@/server/api-key/api-key.service";
import type { Services } from "@/server/services";
import { sendError } from "../error-envelope";

export type ApiKeyVars = { Variables: { apiKey: { keyId: string; userId: string } } };

/** `Authorization: Bearer pp_…` for /api/v1/*: 401 JSON for a missing header, wrong scheme, unknown or revoked key. */
export function apiKeyAuth(s: Services): MiddlewareHandler<ApiKeyVars> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) return sendError(c, 401, "UNAUTHENTICATED", "Missing Authorization header. Send `Authorization: Bearer <your API key>`.");
    const [scheme, token] = header.split(/\s+/, 2);
    if (scheme?.toLowerCase() !== "bearer" || !token) {
      return sendError(c, 401, "UNAUTHENTICATED", "Use the Bearer scheme: `Authorization: Bearer <your API key>`.");
    }
    const key = await authenticateApiKey(s.db, token);
    if (!key) return sendError(c, 401, "UNAUTHENTICATED", "This API key is not valid. It may have been revoked; create one in the dashboard under API keys.");
    c.set("apiKey", key);
    return next();
  };
}
