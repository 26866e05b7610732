import { createRoute, z } from "@hono/zod-openapi";
import { AGGREGATES, createMonitorInput, OPERATORS, updateMonitorInput } from "@/server/monitor/monitor.input";
import { ErrorBody } from "./schemas";

/**
 * /api/v1/monitors and the ping URLs: answers and their OpenAPI operations (registered with
 * the rest of the document in v1.docs.ts). The request bodies are the very schemas the
 * services validate with (monitor/monitor.input.ts).
 */

const STATES = ["waiting", "up", "late", "down", "paused", "ok", "over"] as const;
const when = z.string().openapi({ format: "date-time", example: "2026-11-28T12:00:00.000Z" });

const HeartbeatConfig = z.object({ every: z.number().int().optional(), cron: z.string().optional(), timezone: z.string().optional(), graceSeconds: z.number().int() }).openapi("MonitorHeartbeat");
const ThresholdConfig = z
  .object({ aggregate: z.enum(AGGREGATES), field: z.string().optional(), windowSeconds: z.number().int(), op: z.enum(OPERATORS), bound: z.number() })
  .openapi("MonitorThreshold");

export const Monitor = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["heartbeat", "threshold"]),
    categoryId: z.string(),
    categoryName: z.string(),
    state: z.enum(STATES).openapi({ description: "Heartbeats: waiting (no event yet), up, late (within grace), down. Thresholds: ok, over. Either: paused." }),
    paused: z.boolean(),
    stateSince: when,
    lastEventAt: when.nullable().openapi({ description: "Heartbeats: the newest event that counted." }),
    lastValue: z.number().nullable().openapi({ description: "Thresholds: the window's value at the last evaluation." }),
    lastIncident: z.object({ id: z.string(), startedAt: when, endedAt: when.nullable() }).nullable(),
    nextCheckAt: when.nullable().openapi({ description: "When the worker looks at it next (null while paused)." }),
    config: z.object({
      heartbeat: HeartbeatConfig.nullable(),
      threshold: ThresholdConfig.nullable(),
      filter: z.object({ field: z.string(), equals: z.union([z.string(), z.number(), z.boolean()]) }).nullable(),
      renotifySeconds: z.number().int().nullable(),
    }),
    createdAt: when,
  })
  .openapi("Monitor");

export const Incident = z
  .object({
    id: z.string(),
    monitorId: z.string(),
    monitorName: z.string(),
    startedAt: when,
    endedAt: when.nullable(),
    durationSeconds: z.number().int().nullable(),
    reason: z.string(),
    resolution: z.enum(["recovered", "paused", "reset"]).nullable().openapi({ description: "recovered (with a notice), or ended by pausing or re-targeting the monitor." }),
    notifications: z.number().int().openapi({ description: "Alerts sent for it: the first and each reminder." }),
  })
  .openapi("Incident");

export const MonitorDetail = Monitor.extend({ incidents: z.array(Incident).openapi({ description: "The 20 newest, newest first." }) }).openapi("MonitorDetail");

export const CreatedMonitor = z
  .object({
    id: z.string(),
    pingToken: z.string().optional().openapi({ description: "Heartbeats: the ping URL's secret. Shown once; only a hash is kept." }),
    pingUrl: z.string().optional().openapi({ example: "https://pingpilot.example.com/api/v1/ping/3q2-…" }),
  })
  .openapi("CreatedMonitor");

export const PingResult = z
  .object({ ok: z.literal(true), durationMs: z.number().int().nullable().openapi({ description: "success and fail: the time since the last /start, when there was one." }) })
  .openapi("PingResult");

export const MonitorIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
const TokenParams = z.object({
  token: z
    .string()
    .max(200)
    .openapi({ param: { name: "token", in: "path" }, description: "The secret part of the ping URL." }),
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const error = (description: string) => json(ErrorBody, description);
const security = [{ apiKey: [] as string[] }];
const authErrors = {
  401: error("Missing header, wrong scheme, unknown or revoked key"),
  403: error("The key's workspace belongs to a suspended account (ACCOUNT_SUSPENDED)"),
  429: error("Rate limited (RATE_LIMITED); see Retry-After"),
};
const bodyErrors = {
  400: error("Malformed JSON, text that is not UTF-8, or a Content-Type other than application/json"),
  413: error("Body over 64 KB"),
  422: error("Validation failed: details names each field and why"),
};

const pingOperation = (method: "get" | "post", suffix: "" | "/start" | "/fail") => {
  const kind = suffix === "" ? "success" : suffix.slice(1);
  const what = { success: "the run succeeded", start: "a run started (its duration is measured until success or fail)", fail: "the run failed: the heartbeat is down at once" }[kind]!;
  const name = { success: "Ping", start: "PingStart", fail: "PingFail" }[kind]!;
  return createRoute({
    method,
    path: `/ping/{token}${suffix}`,
    operationId: `${method === "get" ? "get" : "post"}${name}`,
    summary: `Heartbeat ping: ${kind}`,
    description: `Tells a heartbeat monitor that ${what}. No API key and no body needed (GET works for tools that cannot POST). Records an event { ping: "${kind}", durationMs? } in the monitored category, counted against the monthly quota like any event.`,
    security: [],
    request: { params: TokenParams },
    responses: {
      200: json(PingResult, "Recorded"),
      403: error("The workspace's owner is suspended"),
      404: error("No monitor has this ping URL"),
      413: error("Body over 64 KB"),
      429: error("Too many pings for this monitor (RATE_LIMITED), or the monthly quota is used up (QUOTA_EXCEEDED); see Retry-After"),
    },
  });
};

export const monitorRoutes = [
  createRoute({
    method: "get",
    path: "/monitors",
    operationId: "listMonitors",
    summary: "List monitors",
    security,
    responses: { 200: json(z.object({ data: z.array(Monitor) }), "The workspace's monitors"), ...authErrors },
  }),
  createRoute({
    method: "post",
    path: "/monitors",
    operationId: "createMonitor",
    summary: "Create a monitor",
    description:
      "A heartbeat (an event at least every `every` seconds, or at each time of a cron schedule in a time zone, with `graceSeconds`) or a threshold (`aggregate` over the last `windowSeconds` compared with `bound`). " +
      "Optionally only events whose `filter.field` equals `filter.equals` count. Alerts and recovery notices are events in the workspace's \"monitors\" category, sent to its channels. A heartbeat's ping URL is in the answer, once.",
    security,
    request: { body: { content: { "application/json": { schema: createMonitorInput } }, required: true } },
    responses: {
      201: json(CreatedMonitor, "Created"),
      404: error("Unknown category"),
      ...bodyErrors,
      ...authErrors,
      403: error("The workspace's monitor limit is reached (FORBIDDEN), or the key's workspace belongs to a suspended account (ACCOUNT_SUSPENDED)"),
    },
  }),
  createRoute({
    method: "get",
    path: "/monitors/{id}",
    operationId: "getMonitor",
    summary: "One monitor with its recent incidents",
    security,
    request: { params: MonitorIdParams },
    responses: { 200: json(MonitorDetail, "The monitor"), 404: error("No such monitor of yours"), ...authErrors },
  }),
  createRoute({
    method: "patch",
    path: "/monitors/{id}",
    operationId: "updateMonitor",
    summary: "Change a monitor",
    description: "Only what is sent changes; the kind stays. It is evaluated again at once with the new settings. A new categoryId starts it over.",
    security,
    request: { params: MonitorIdParams, body: { content: { "application/json": { schema: updateMonitorInput } }, required: true } },
    responses: { 200: json(MonitorDetail, "The monitor as changed"), 404: error("No such monitor (or category) of yours"), ...bodyErrors, ...authErrors },
  }),
  createRoute({
    method: "delete",
    path: "/monitors/{id}",
    operationId: "deleteMonitor",
    summary: "Delete a monitor",
    description: 'Its incidents go with it; the alerts it sent stay in the "monitors" category.',
    security,
    request: { params: MonitorIdParams },
    responses: { 204: { description: "Deleted" }, 404: error("No such monitor of yours"), ...authErrors },
  }),
  createRoute({
    method: "get",
    path: "/monitors/{id}/incidents",
    operationId: "listMonitorIncidents",
    summary: "A monitor's incidents, newest first",
    security,
    request: { params: MonitorIdParams },
    responses: { 200: json(z.object({ data: z.array(Incident) }), "At most 100"), 404: error("No such monitor of yours"), ...authErrors },
  }),
  ...(["", "/start", "/fail"] as const).flatMap((suffix) => [pingOperation("post", suffix), pingOperation("get", suffix)]),
];
