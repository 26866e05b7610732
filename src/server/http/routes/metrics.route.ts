import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { createThrottle } from "@/server/security/throttle";
import type { Services } from "@/server/services";
import { sendError } from "../error-envelope";

/** Wrong tokens one client address may send per window before every request from it is refused (429) until the window ends. */
export const METRICS_FAILURES_PER_WINDOW = 20;
const WINDOW_MS = 15 * 60_000;

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * GET /metrics: the Prometheus text format, for a scraper holding `Authorization: Bearer
 * <METRICS_TOKEN>`. Without METRICS_TOKEN there is no such route (404, like any unknown path).
 * The token is compared in constant time (SHA-256 of both, so the length does not show either).
 * Wrong tokens are counted per client address (in memory, per instance); past the limit that
 * address is refused even with the right token until the window ends, so guessing gets no answer.
 */
export function metricsRoutes(s: Services) {
  const app = new Hono<{ Variables: { clientIp: string } }>();
  const token = s.env.METRICS_TOKEN;
  if (!token) return app;
  const expected = digest(token);
  const failures = createThrottle({ windowMs: WINDOW_MS, ipMax: METRICS_FAILURES_PER_WINDOW, accountMax: 1, now: () => s.clock().getTime() });

  return app.get("/", async (c) => {
    const ip = c.get("clientIp");
    const wait = failures.ip.blockedFor(ip);
    if (wait > 0) {
      c.header("Retry-After", String(wait));
      return sendError(c, 429, "RATE_LIMITED", `Too many wrong metrics tokens from this address. Try again in ${wait} seconds.`);
    }
    const [scheme, given, extra] = (c.req.header("authorization") ?? "").trim().split(/\s+/);
    const valid = scheme?.toLowerCase() === "bearer" && given !== undefined && extra === undefined && timingSafeEqual(digest(given), expected);
    if (!valid) {
      if (given) failures.ip.record(ip);
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return sendError(c, 401, "UNAUTHENTICATED", "Send the metrics token: `Authorization: Bearer <METRICS_TOKEN>`.");
    }
    c.header("Cache-Control", "no-store");
    return c.body(await s.metrics.registry.metrics(), 200, { "Content-Type": s.metrics.registry.contentType });
  });
}
