import type { MiddlewareHandler } from "hono";
import { authenticateApiKey, type ApiKeyOwner } from "@/server/api-key/api-key.service";
import type { Services } from "@/server/services";
import { sendError } from "../error-envelope";

export type ApiKeyVars = { Variables: { apiKey: ApiKeyOwner } };

export const INVALID_KEY_MESSAGE = "This API key is not valid. It may have been revoked; create one in the dashboard under API keys.";

/**
 * The owner of the key in an Authorization header, or why it is refused (401). A key of a
 * workspace whose owner an operator suspended throws AppError ACCOUNT_SUSPENDED: the error
 * envelope answers 403 with that code (here through onError, in ingest.route.ts through its catch).
 */
export async function authenticateRequest(s: Services, header: string | undefined): Promise<{ owner: ApiKeyOwner } | { refused: string }> {
  if (!header) return { refused: "Missing Authorization header. Send `Authorization: Bearer <your API key>`." };
  const [scheme, token] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() !== "bearer" || !token) return { refused: "Use the Bearer scheme: `Authorization: Bearer <your API key>`." };
  const owner = await authenticateApiKey(s.db, s.apiKeyCache, token, s.clock(), (err) => s.logger.warn({ err }, "recording API key use failed"));
  return owner ? { owner } : { refused: INVALID_KEY_MESSAGE };
}

/** `Authorization: Bearer pp_…` for /api/v1/*: 401 JSON for a missing header, wrong scheme, unknown or revoked key. */
export function apiKeyAuth(s: Services): MiddlewareHandler<ApiKeyVars> {
  return async (c, next) => {
    const auth = await authenticateRequest(s, c.req.header("authorization"));
    if ("refused" in auth) return sendError(c, 401, "UNAUTHENTICATED", auth.refused);
    c.set("apiKey", auth.owner);
    return next();
  };
}
