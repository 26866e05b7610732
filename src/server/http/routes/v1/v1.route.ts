import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { z } from "zod";
import { createCategory, listCategories } from "@/server/category/category.service";
import { AppError } from "@/server/errors";
import { getEventOrThrow, ingestEvent, listEvents } from "@/server/event/event.service";
import { getUsage } from "@/server/quota/quota.service";
import type { Services } from "@/server/services";
import { PRESET_COLORS } from "@/shared/category";
import { handleError, sendError } from "../../error-envelope";
import { readBodyText } from "../../read-body";
import { apiKeyAuth } from "../../middleware/api-key-auth";
import { quotaHeaders, setQuotaHeaders, type QuotaVars } from "../../middleware/quota-headers";
import { rateLimit } from "../../middleware/rate-limit";
import { registerV1Docs } from "./v1.docs";
import { CreateCategoryBody, CreateEventBody, ListEventsQuery, MAX_BODY_BYTES, protoKeyPath } from "./schemas";

/** `fields.amount: …` for the first problem, every problem in details. */
function validationError(error: z.ZodError) {
  const details = error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
  const first = details[0]!;
  return new AppError("VALIDATION_FAILED", first.field === "(body)" ? first.message : `${first.field}: ${first.message}`, details);
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** JSON bodies only, at most 64 KB (read no further than the limit), parsed with a clear 400. */
async function readJsonBody(c: Context) {
  const type = c.req.header("content-type") ?? "";
  // application/json, optionally with parameters; not application/json-patch+json or -seq.
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError("BAD_REQUEST", `Send the body as JSON with Content-Type: application/json (got ${type ? `"${type.slice(0, 60)}"` : "none"}).`);
  }
  const text = await readBodyText(c, MAX_BODY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON.");
  }
  const proto = protoKeyPath(body);
  if (proto) throw new AppError("VALIDATION_FAILED", `${proto}: "__proto__" cannot be used as a name.`, [{ field: proto, message: '"__proto__" cannot be used as a name.' }]);
  return body;
}

/** The public API: an API key, never a session; never redirected. */
export function v1Routes(s: Services) {
  const app = new OpenAPIHono<QuotaVars>();
  app.onError(handleError(s.logger));
  registerV1Docs(app);

  app.use("*", apiKeyAuth(s), quotaHeaders(s), rateLimit(s));

  const ingest = async (c: Context<QuotaVars>) => {
    const owner = c.get("apiKey");
    const input = parse(CreateEventBody, await readJsonBody(c));
    const idempotencyKey = c.req.header("idempotency-key");
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 255)) {
      throw new AppError("VALIDATION_FAILED", "Idempotency-Key must be 1–255 characters.", [{ field: "Idempotency-Key", message: "1–255 characters" }]);
    }
    const { event, quota, replayed } = await ingestEvent(s, owner, { ...input, occurredAt: input.timestamp }, idempotencyKey);
    if (quota) setQuotaHeaders(c, quota);
    if (replayed) c.header("Idempotent-Replayed", "true");
    return c.json(event, 202);
  };
  app.post("/events", ingest);
  app.post("/event", ingest);

  app.get("/events", async (c) => {
    const owner = c.get("apiKey");
    const q = parse(ListEventsQuery, c.req.query());
    const page = await listEvents(s.db, {
      userId: owner.userId,
      categoryName: q.category,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      cursor: q.cursor,
      limit: q.limit,
    });
    return c.json(page);
  });

  app.get("/events/:id", async (c) => c.json(await getEventOrThrow(s.db, c.get("apiKey").userId, c.req.param("id").slice(0, 64))));

  app.get("/categories", async (c) => {
    const rows = await listCategories(s.db, c.get("apiKey").userId, s.clock());
    return c.json({ data: rows.map(({ id, name, color, emoji, createdAt }) => ({ id, name, color, emoji, createdAt })) });
  });

  app.post("/categories", async (c) => {
    const owner = c.get("apiKey");
    const body = parse(CreateCategoryBody, await readJsonBody(c));
    const color = body.color ?? PRESET_COLORS[Math.floor(Math.random() * PRESET_COLORS.length)]!;
    const category = await createCategory(s, owner, { name: body.name, color, emoji: body.emoji ?? null });
    return c.json(category, 201);
  });

  app.get("/quota", async (c) => {
    const { plan, quota, categories } = await getUsage(s.db, s.env, c.get("apiKey"), s.clock());
    setQuotaHeaders(c, quota);
    return c.json({ plan, period: quota.period, limit: quota.limit, used: quota.used, remaining: quota.remaining, resetsAt: quota.resetsAt.toISOString(), categories });
  });

  app.all("*", (c) => sendError(c, 404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}. See /api/v1/openapi.json.`));
  return app;
}
