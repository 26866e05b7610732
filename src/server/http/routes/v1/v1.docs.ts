import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { monitorRoutes } from "./monitor.schemas";
import { AcceptedEvent, Category, CreateCategoryBody, CreateEventBatchBody, CreateEventBody, ErrorBody, EventBatchResult, EventItem, ListEventsQuery, Quota } from "./schemas";

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const error = (description: string) => json(ErrorBody, description);
const security = [{ apiKey: [] as string[] }];
const quotaHeaders = {
  "X-Quota-Limit": { description: "Events allowed this month", schema: { type: "integer" as const } },
  "X-Quota-Remaining": { description: "Events left this month", schema: { type: "integer" as const } },
  "X-Quota-Reset": { description: "When the monthly quota resets (ISO-8601, UTC)", schema: { type: "string" as const } },
};
const authErrors = {
  401: error("Missing header, wrong scheme, unknown or revoked key"),
  403: error("The key's workspace belongs to a suspended account (ACCOUNT_SUSPENDED)"),
  429: error("Rate limited (RATE_LIMITED) or monthly quota used up (QUOTA_EXCEEDED); see Retry-After"),
};

/**
 * The OpenAPI 3.1 document for /api/v1, generated from the same zod schemas the handlers
 * validate with. Served at /api/v1/openapi.json (public) and rendered at /docs/api.
 */
export const routes = [
  createRoute({
    method: "post",
    path: "/events",
    operationId: "createEvent",
    summary: "Send an event",
    description:
      "Stores the event under one of your categories and notifies your enabled channels. The event and its deliveries are stored before the 202 is sent. `/api/v1/event` is an alias. Send `Idempotency-Key` to make retries safe for 24 h.",
    security,
    request: {
      headers: z.object({ "Idempotency-Key": z.string().max(255).optional() }),
      body: { content: { "application/json": { schema: CreateEventBody } }, required: true },
    },
    responses: {
      202: { ...json(AcceptedEvent, "Stored"), headers: quotaHeaders },
      400: error("Malformed JSON, text that is not UTF-8, or a Content-Type other than application/json"),
      404: error("Unknown category"),
      413: error("Body over 64 KB"),
      422: error("Validation failed: details names each field and why"),
      ...authErrors,
    },
  }),
  createRoute({
    method: "post",
    path: "/events/batch",
    operationId: "createEventBatch",
    summary: "Send up to 100 events at once",
    description:
      "Each event is checked, counted against the monthly quota and stored as `POST /events` would do it alone, and gets its own result, in the order sent: " +
      "`status` 202 with the stored event, or the status and error object `POST /events` would have answered for it (a bad event fails alone). " +
      "Give an event an `idempotencyKey` to make retrying the batch safe for 24 h. A body that is not a batch (not JSON, over 1 MB, no `events` list of 1–100) " +
      "is refused whole and stores nothing. A batch takes one request from the rate limit; every stored event counts against the quota.",
    security,
    request: { body: { content: { "application/json": { schema: CreateEventBatchBody } }, required: true } },
    responses: {
      200: { ...json(EventBatchResult, "One result per event, in order"), headers: quotaHeaders },
      400: error("Malformed JSON, text that is not UTF-8, or a Content-Type other than application/json"),
      413: error("Body over 1 MB"),
      422: error("Not a batch: details says what (events missing, empty, more than 100, unknown fields)"),
      ...authErrors,
    },
  }),
  createRoute({
    method: "get",
    path: "/events",
    operationId: "listEvents",
    summary: "List events, newest first",
    security,
    request: { query: ListEventsQuery },
    responses: { 200: json(z.object({ data: z.array(EventItem), nextCursor: z.string().nullable() }), "A page of events"), 404: error("Unknown category"), 422: error("Bad query"), ...authErrors },
  }),
  createRoute({
    method: "get",
    path: "/events/{id}",
    operationId: "getEvent",
    summary: "One event with its deliveries",
    description: "Each delivery: channel, status (PENDING, SENDING, DELIVERED, FAILED), attempts, last error and status code, next attempt, delivered at.",
    security,
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: json(
        EventItem.extend({
          deliveries: z.array(
            z.object({
              id: z.string(),
              channel: z.string(),
              status: z.string(),
              attempts: z.number(),
              lastError: z.string().nullable(),
              lastStatusCode: z.number().nullable(),
              nextAttemptAt: z.string().nullable(),
              deliveredAt: z.string().nullable(),
              createdAt: z.string(),
              updatedAt: z.string(),
            }),
          ),
        }),
        "The event",
      ),
      404: error("No such event of yours"),
      ...authErrors,
    },
  }),
  createRoute({
    method: "get",
    path: "/categories",
    operationId: "listCategories",
    summary: "List categories",
    security,
    responses: { 200: json(z.object({ data: z.array(Category) }), "Your categories"), ...authErrors },
  }),
  createRoute({
    method: "post",
    path: "/categories",
    operationId: "createCategory",
    summary: "Create a category",
    security,
    request: { body: { content: { "application/json": { schema: CreateCategoryBody } }, required: true } },
    responses: {
      201: json(Category, "Created"),
      400: error("Malformed JSON, text that is not UTF-8, or a Content-Type other than application/json"),
      409: error("Name already used"),
      413: error("Body over 64 KB"),
      422: error("Invalid name, color or emoji"),
      ...authErrors,
      403: error("Plan's category limit reached (FORBIDDEN), or the key's workspace belongs to a suspended account (ACCOUNT_SUSPENDED)"),
    },
  }),
  createRoute({
    method: "get",
    path: "/quota",
    operationId: "getQuota",
    summary: "Monthly quota and category usage",
    security,
    responses: { 200: json(Quota, "Where you stand this month"), ...authErrors },
  }),
  ...monitorRoutes,
];

// biome-ignore lint/suspicious/noExplicitAny: registers on the v1 app and on the docs page's throwaway app, whose variables differ
export function registerV1Docs(app: OpenAPIHono<any>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer", description: "Your PingPilot API key (pp_…)" });
  for (const route of routes) app.openAPIRegistry.registerPath(route);
  app.doc31("/openapi.json", () => ({
    openapi: "3.1.0",
    info: { title: "PingPilot API", version: "1.0.0", description: "Send events from your apps and read them back.", license: { name: "MIT", identifier: "MIT" } },
    // Relative to this document, so it is right behind any proxy or host name.
    servers: [{ url: "/api/v1", description: "This PingPilot instance" }],
  }));
}
