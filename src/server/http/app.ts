import { Hono } from "hono";
import type { SessionInfo } from "@/server/auth/session";
import type { Services } from "@/server/services";
import { handleError, sendError } from "./error-envelope";
import { bodyLimit } from "./read-body";
import { clientIp } from "./middleware/client-ip";
import { sameOrigin } from "./middleware/same-origin";
import { apiSecurityHeaders } from "./middleware/security-headers";
import { loadSession } from "./middleware/session";
import { authRoutes } from "./routes/auth.route";
import { devMailboxRoutes } from "./routes/dev-mailbox.route";
import { healthRoutes } from "./routes/health.route";
import { metricsRoutes } from "./routes/metrics.route";
import { streamRoutes } from "./routes/stream.route";
import { trpcRoutes } from "./routes/trpc.route";
import { telegramWebhookRoutes } from "./routes/webhooks/telegram.route";
import { stripeWebhookRoutes } from "./routes/webhooks/stripe.route";
import { ingestRoutes } from "./routes/v1/ingest.route";
import { pingRoutes } from "./routes/v1/monitors.route";
import { v1Routes } from "./routes/v1/v1.route";

export type AppVariables = { clientIp: string; session: SessionInfo | null };

/** Paths the Hono app answers; everything else goes to Next.js (see main.ts). */
export const HONO_PREFIXES = ["/api/", "/trpc/", "/dev/mailbox", "/metrics"] as const;
const EXACT = HONO_PREFIXES.map((p) => p.replace(/\/$/, ""));
export const handledByHono = (path: string) => path.startsWith("/api/") || HONO_PREFIXES.some((p, i) => path.startsWith(p) || path === EXACT[i]);

/** Body limits: tRPC carries batches and settings forms; everything else (auth, webhooks, the public API) is small JSON. */
export const BODY_LIMITS = { trpc: 256 * 1024, default: 64 * 1024 } as const;
const bodyLimitFor = (path: string) => (path.startsWith("/trpc/") ? BODY_LIMITS.trpc : BODY_LIMITS.default);

export function createApp(s: Services) {
  const app = new Hono<{ Variables: AppVariables }>();
  app.onError(handleError(s.logger));
  const securityHeaders = apiSecurityHeaders(s.env.APP_URL.startsWith("https://"));

  // The ingest hot path, ahead of every middleware: these handlers apply the body limit,
  // security headers, API key, rate limit and quota headers themselves (ingest.route.ts).
  const ingest = ingestRoutes(s);
  app.post("/api/v1/events", ingest.single);
  app.post("/api/v1/event", ingest.single);
  app.post("/api/v1/events/batch", ingest.batch);

  // Before every other route and middleware, so nothing reads or clones an oversized body.
  app.use("*", bodyLimit(bodyLimitFor));

  // The public API first: API key only, and the hot path, so it skips what only the
  // session routes need (client address for Better Auth, sessions, CSRF).
  app.use("/api/v1/*", securityHeaders);
  // Heartbeat ping URLs: the token is the credential (no API key), throttled per client address.
  app.use("/api/v1/ping/*", clientIp(s.env.TRUST_PROXY, s.logger));
  app.route("/api/v1/ping", pingRoutes(s));
  app.route("/api/v1", v1Routes(s));

  app.use("*", clientIp(s.env.TRUST_PROXY, s.logger));
  // Public: health, Better Auth (throttled), the local dev mailbox.
  app.use("/api/*", securityHeaders);
  app.route("/api/health", healthRoutes(s));
  app.route("/api/auth", authRoutes(s));
  app.route("/api/webhooks/telegram", telegramWebhookRoutes(s));
  app.route("/api/webhooks/stripe", stripeWebhookRoutes(s));
  app.route("/dev/mailbox", devMailboxRoutes(s));
  // Prometheus, behind METRICS_TOKEN (404 without it).
  app.use("/metrics", securityHeaders);
  app.route("/metrics", metricsRoutes(s));

  // Session-protected: tRPC and every other /api route. 401 JSON, never a redirect.
  const requireSession = loadSession(s);
  app.use("/trpc/*", sameOrigin(s.env.APP_URL), requireSession);
  app.route("/trpc", trpcRoutes(s));
  app.use("/api/*", sameOrigin(s.env.APP_URL), requireSession, async (c, next) => {
    if (!c.get("session")) return sendError(c, 401, "UNAUTHENTICATED", "Sign in to use this endpoint.");
    return next();
  });
  app.route("/api/stream", streamRoutes(s));

  app.notFound((c) => sendError(c, 404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`));
  return app;
}

export type App = ReturnType<typeof createApp>;
