import type { MiddlewareHandler } from "hono";
import { sendError } from "../error-envelope";

/**
 * CSRF guard for cookie-authenticated writes (tRPC, protected APIs): a browser sends Origin
 * (or Sec-Fetch-Site) on every POST; a cross-site one is refused. Requests with neither
 * come from non-browser clients, which cannot carry a victim's cookie.
 */
export function sameOrigin(appUrl: string): MiddlewareHandler {
  const allowed = new URL(appUrl).origin;
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const ok = origin ? origin === allowed : !site || site === "same-origin" || site === "none";
    if (!ok) return sendError(c, 403, "FORBIDDEN", "Cross-site request refused.");
    return next();
  };
}
