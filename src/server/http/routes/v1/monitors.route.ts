import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { keyAccess } from "@/server/api-key/api-key.service";
import { createMonitorInput, updateMonitorInput } from "@/server/monitor/monitor.input";
import { createMonitor, deleteMonitor, getMonitor, listIncidents, listMonitors, recordPing, updateMonitor, type PingKind } from "@/server/monitor/monitor.service";
import type { Services } from "@/server/services";
import { errorAnswer, sendError } from "../../error-envelope";
import type { QuotaVars } from "../../middleware/quota-headers";
import { parse, readJsonBody } from "./v1.request";

/** GET/POST /monitors, GET/PATCH/DELETE /monitors/{id}, GET /monitors/{id}/incidents: on the v1 app, behind its API key, quota headers and rate limit. */
export function registerMonitorRoutes(app: OpenAPIHono<QuotaVars>, s: Services) {
  const access = (c: { get(key: "apiKey"): Parameters<typeof keyAccess>[0] }) => keyAccess(c.get("apiKey"));
  const idOf = (c: { req: { param(name: "id"): string } }) => c.req.param("id").slice(0, 64);

  app.get("/monitors", async (c) => c.json({ data: await listMonitors(s.db, access(c)) }));

  app.post("/monitors", async (c) => {
    const body = parse(createMonitorInput, await readJsonBody(c));
    return c.json(await createMonitor(s, access(c), body), 201);
  });

  app.get("/monitors/:id", async (c) => c.json(await getMonitor(s.db, access(c), idOf(c))));

  app.patch("/monitors/:id", async (c) => {
    const body = parse(updateMonitorInput, await readJsonBody(c));
    return c.json(await updateMonitor(s, access(c), idOf(c), body));
  });

  app.delete("/monitors/:id", async (c) => {
    await deleteMonitor(s, access(c), idOf(c));
    return c.body(null, 204);
  });

  app.get("/monitors/:id/incidents", async (c) => c.json({ data: await listIncidents(s.db, access(c), idOf(c)) }));
}

/**
 * /api/v1/ping/{token}[/start|/fail], GET or POST: a heartbeat's ping URL. No API key (the
 * token is the credential) and no body needed; app.ts mounts it ahead of the v1 app, after the
 * body limit and the client-address middleware (the throttle of unknown tokens is per address).
 */
export function pingRoutes(s: Services) {
  const app = new Hono<{ Variables: { clientIp: string } }>();
  // The token is a secret: an unexpected error is logged with the route, never the path it came in on.
  app.onError((err, c) => {
    const { status, body, retryAfterSeconds } = errorAnswer(err, s.logger, "/api/v1/ping/{token}");
    if (retryAfterSeconds !== undefined) c.header("Retry-After", String(retryAfterSeconds));
    return c.json(body, status);
  });
  for (const [suffix, kind] of [
    ["", "success"],
    ["/start", "start"],
    ["/fail", "fail"],
  ] as const satisfies readonly (readonly [string, PingKind])[]) {
    app.on(["GET", "POST"], `/:token${suffix}`, async (c) => {
      const { durationMs } = await recordPing(s, { token: c.req.param("token"), kind, clientIp: c.get("clientIp") });
      return c.json({ ok: true as const, durationMs });
    });
  }
  app.all("*", (c) => sendError(c, 404, "NOT_FOUND", `No route for ${c.req.method} this ping URL. A ping URL is /api/v1/ping/<token>, optionally /start or /fail.`));
  return app;
}
