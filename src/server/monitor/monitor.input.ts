import { z } from "@hono/zod-openapi";
import { cronProblem } from "./monitor.schedule";

/**
 * What a monitor is made of, as the tRPC router and the public API both take it (one set of
 * rules, one set of error messages; the OpenAPI document is generated from the same schemas).
 *
 * The filter language is deliberately small: one top-level event field equal to one value
 * (a string, a number or a boolean; numbers compare numerically, types must match:
 * `"1"` does not equal `1`). Anything richer belongs in the event sender.
 */

export const MIN_PERIOD_SECONDS = 60;
export const MAX_PERIOD_SECONDS = 31 * 24 * 3600;
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;
export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 30 * 24 * 3600;
/** Longer windows read whole days from the daily rollups, which hold counts and sums only. */
export const MAX_FILTERED_WINDOW_SECONDS = 24 * 3600;
export const MIN_RENOTIFY_SECONDS = 60;
export const MAX_RENOTIFY_SECONDS = 7 * 24 * 3600;

const CONTROL = /\p{Cc}/u;

const seconds = (min: number, max: number, what: string) =>
  z
    .number({ error: `${what} must be a whole number of seconds.` })
    .int(`${what} must be a whole number of seconds.`)
    .min(min, `${what} must be at least ${min} seconds.`)
    .max(max, `${what} may be at most ${max} seconds.`);

export const monitorName = z
  .string({ error: "name must be a string." })
  .trim()
  .min(1, "Give the monitor a name.")
  .max(64, "name may be at most 64 characters.")
  .refine((v) => !CONTROL.test(v), "Use a name without control characters.")
  .openapi({ example: "Nightly backup" });

/** A top-level field name; quotes and backslashes are refused (they cannot be addressed portably). */
export const fieldName = z
  .string({ error: "field must be a string." })
  .min(1, "field must be 1–64 characters.")
  .max(64, "field must be 1–64 characters.")
  .refine((v) => !CONTROL.test(v) && !/["\\]/.test(v), "field may not contain quotes, backslashes or control characters.");

export const filterInput = z
  .strictObject({
    field: fieldName.openapi({ example: "status", description: "A top-level field of the event." }),
    equals: z
      .union([z.string().max(1024, "equals may be at most 1,024 characters."), z.number().finite(), z.boolean()], { error: "equals must be a string, a finite number or a boolean." })
      .openapi({ example: "ok", description: "The value it must have; the type must match too." }),
  })
  .openapi("MonitorFilter", { description: "Only events whose field equals this value count." });

export const heartbeatInput = z
  .strictObject({
    every: seconds(MIN_PERIOD_SECONDS, MAX_PERIOD_SECONDS, "every").optional().openapi({ example: 3600, description: "At least one event every this many seconds." }),
    cron: z
      .string({ error: "cron must be a string." })
      .max(100, "cron may be at most 100 characters.")
      .optional()
      .openapi({ example: "0 3 * * *", description: "Or: an event expected at each time of this 5-field cron schedule (in `timezone`)." }),
    timezone: z.string().max(64).optional().openapi({ example: "Europe/Berlin", description: "IANA time zone of `cron`. Default UTC." }),
    graceSeconds: seconds(0, MAX_GRACE_SECONDS, "graceSeconds").openapi({ example: 600, description: "How long past the deadline it is late before it is down." }),
  })
  .superRefine((h, ctx) => {
    if ((h.every === undefined) === (h.cron === undefined)) ctx.addIssue({ code: "custom", path: ["every"], message: "Give either every (seconds) or cron, not both." });
    if (h.timezone !== undefined && h.cron === undefined) ctx.addIssue({ code: "custom", path: ["timezone"], message: "timezone goes with cron." });
    if (h.cron !== undefined) {
      const problem = cronProblem(h.cron, h.timezone ?? "UTC");
      if (problem) ctx.addIssue({ code: "custom", path: [problem.startsWith("Unknown time zone") ? "timezone" : "cron"], message: problem });
    }
  })
  .openapi("HeartbeatSettings");

export const AGGREGATES = ["count", "sum", "min", "max", "avg"] as const;
export const OPERATORS = [">=", ">", "<=", "<"] as const;

export const thresholdInput = z
  .strictObject({
    aggregate: z.enum(AGGREGATES, { error: "aggregate must be count, sum, min, max or avg." }).openapi({ example: "count" }),
    field: fieldName
      .nullish()
      .transform((v) => v ?? undefined)
      .openapi({ example: "amount", description: "The numeric field sum/min/max/avg read (events without a number there are left out); none (or null) for count." }),
    windowSeconds: seconds(MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS, "windowSeconds").openapi({ example: 600, description: "The sliding window: events accepted in the last this many seconds." }),
    op: z.enum(OPERATORS, { error: "op must be >=, >, <= or <." }).openapi({ example: ">=" }),
    bound: z.number({ error: "bound must be a number." }).finite("bound must be a finite number.").openapi({ example: 3 }),
  })
  .superRefine((th, ctx) => {
    if (th.aggregate === "count" && th.field !== undefined) ctx.addIssue({ code: "custom", path: ["field"], message: "count takes no field." });
    if (th.aggregate !== "count" && th.field === undefined) ctx.addIssue({ code: "custom", path: ["field"], message: `${th.aggregate} needs the numeric field it reads.` });
    if ((th.aggregate === "min" || th.aggregate === "max") && th.windowSeconds > MAX_FILTERED_WINDOW_SECONDS)
      ctx.addIssue({ code: "custom", path: ["windowSeconds"], message: `${th.aggregate} works over windows of at most a day (${MAX_FILTERED_WINDOW_SECONDS} seconds).` });
  })
  .openapi("ThresholdSettings", { description: "Fires while `aggregate(field)` over the window compares with `bound` by `op`, e.g. count >= 3 in 600 s." });

const renotify = seconds(MIN_RENOTIFY_SECONDS, MAX_RENOTIFY_SECONDS, "renotifySeconds")
  .nullable()
  .openapi({ example: 1800, description: "While an incident is open, notify again this often. null (default): once." });

const categoryId = z.string({ error: "categoryId must be a string." }).min(1, "categoryId is required.").max(64).openapi({ description: "The category whose events it watches." });

/** A window over a day can use no filter: whole days come from the rollups, which know no field values. */
function checkFilterWindow(v: { threshold?: { windowSeconds: number } | undefined; filter?: unknown }, ctx: z.RefinementCtx) {
  if (v.filter && v.threshold && v.threshold.windowSeconds > MAX_FILTERED_WINDOW_SECONDS)
    ctx.addIssue({ code: "custom", path: ["filter"], message: `A filter works over windows of at most a day (${MAX_FILTERED_WINDOW_SECONDS} seconds).` });
}

export const createMonitorInput = z
  .strictObject({
    name: monitorName,
    categoryId,
    kind: z.enum(["heartbeat", "threshold"], { error: "kind must be heartbeat or threshold." }),
    heartbeat: heartbeatInput.optional(),
    threshold: thresholdInput.optional(),
    filter: filterInput.nullable().optional(),
    renotifySeconds: renotify.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "heartbeat" && !v.heartbeat) ctx.addIssue({ code: "custom", path: ["heartbeat"], message: "A heartbeat monitor needs heartbeat settings." });
    if (v.kind === "threshold" && !v.threshold) ctx.addIssue({ code: "custom", path: ["threshold"], message: "A threshold monitor needs threshold settings." });
    if (v.kind === "heartbeat" && v.threshold) ctx.addIssue({ code: "custom", path: ["threshold"], message: "A heartbeat monitor takes no threshold settings." });
    if (v.kind === "threshold" && v.heartbeat) ctx.addIssue({ code: "custom", path: ["heartbeat"], message: "A threshold monitor takes no heartbeat settings." });
    checkFilterWindow(v, ctx);
  })
  .openapi("CreateMonitor");

/** Everything but the kind may change; what is left out stays. */
const updateMonitorFields = z.strictObject({
  name: monitorName.optional(),
  categoryId: categoryId.optional(),
  heartbeat: heartbeatInput.optional(),
  threshold: thresholdInput.optional(),
  filter: filterInput.nullable().optional(),
  renotifySeconds: renotify.optional(),
});
export const updateMonitorInput = updateMonitorFields.superRefine(checkFilterWindow).openapi("UpdateMonitor");
/** tRPC's update: the same, with the monitor's id. */
export const updateMonitorByIdInput = updateMonitorFields.extend({ id: z.string().min(1).max(64) }).superRefine(checkFilterWindow);

export const previewInput = z.strictObject({ categoryId, threshold: thresholdInput, filter: filterInput.nullable().optional() }).superRefine(checkFilterWindow);

export type FilterInput = z.output<typeof filterInput>;
export type HeartbeatInput = z.output<typeof heartbeatInput>;
export type ThresholdInput = z.output<typeof thresholdInput>;
export type CreateMonitorInput = z.output<typeof createMonitorInput>;
export type UpdateMonitorInput = z.output<typeof updateMonitorInput>;
export type PreviewInput = z.output<typeof previewInput>;
