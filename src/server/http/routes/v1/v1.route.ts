import { OpenAPIHono } from "@hono/zod-openapi";
import { keyAccess } from "@/server/api-key/api-key.service";
import { createCategory, listCategories } from "@/server/category/category.service";
import { getEventOrThrow, listEvents } from "@/server/event/event.service";
import { getUsage } from "@/server/quota/quota.service";
import type { Services } from "@/server/services";
import { PRESET_COLORS } from "@/shared/category";
import { handleError, sendError } from "../../error-envelope";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { quotaHeaders, setQuotaHeaders, type QuotaVars } from "../../middleware/quota-headers";
import { rateLimit } from "../../middleware/rate-limit";
import { registerMonitorRoutes } from "./monitors.route";
import { registerV1Docs } from "./v1.docs";
import { CreateCategoryBody, ListEventsQuery } from "./schemas";
import { parse, readJsonBody } from "./v1.request";

/** The public API: an API key, never a session; never redirected. */
export function v1Routes(s: Services) {
  const app = new OpenAPIHono<QuotaVars>();
  app.onError(handleError(s.logger));
  registerV1Docs(app);

  app.use("*", apiKeyAuth(s), quotaHeaders(s), rateLimit(s));

  // POST /events, /event and /events/batch: ingest.route.ts, mounted ahead of this app (app.ts).

  app.get("/events", async (c) => {
    const owner = c.get("apiKey");
    const q = parse(ListEventsQuery, c.req.query());
    const page = await listEvents(s.db, {
      workspaceId: owner.workspaceId,
      categoryName: q.category,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      cursor: q.cursor,
      limit: q.limit,
    });
    return c.json(page);
  });

  app.get("/events/:id", async (c) => c.json(await getEventOrThrow(s.db, c.get("apiKey").workspaceId, c.req.param("id").slice(0, 64))));

  app.get("/categories", async (c) => {
    const rows = await listCategories(s.db, c.get("apiKey").workspaceId, s.clock());
    return c.json({ data: rows.map(({ id, name, color, emoji, createdAt }) => ({ id, name, color, emoji, createdAt })) });
  });

  app.post("/categories", async (c) => {
    const owner = c.get("apiKey");
    const body = parse(CreateCategoryBody, await readJsonBody(c));
    const color = body.color ?? PRESET_COLORS[Math.floor(Math.random() * PRESET_COLORS.length)]!;
    const category = await createCategory(s, keyAccess(owner), { name: body.name, color, emoji: body.emoji ?? null });
    return c.json(category, 201);
  });

  app.get("/quota", async (c) => {
    const { plan, quota, categories } = await getUsage(s.db, s.env, keyAccess(c.get("apiKey")), s.clock());
    setQuotaHeaders(c, quota);
    return c.json({ plan, period: quota.period, limit: quota.limit, used: quota.used, remaining: quota.remaining, resetsAt: quota.resetsAt.toISOString(), categories });
  });

  registerMonitorRoutes(app, s);

  app.all("*", (c) => sendError(c, 404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}. See /api/v1/openapi.json.`));
  return app;
}
