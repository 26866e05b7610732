import { z } from "@hono/zod-openapi";
import { CATEGORY_NAME_PATTERN, CATEGORY_NAME_RULE, COLOR_PATTERN, isSingleEmoji } from "@/shared/category";

/** The public API's request and response shapes: validation and the OpenAPI document both come from here. */

export const MAX_BODY_BYTES = 64 * 1024;

/** A UTF-16 surrogate without its pair: JSON can carry it (`"\ud800"`), no text can. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isWellFormedText = (s: string) => !LONE_SURROGATE.test(s);
const NOT_TEXT = "must be valid Unicode text (it contains a lone surrogate).";

/** A string that is real text; stored as sent, never mangled into U+FFFD. */
const text = (rules: (s: z.ZodString) => z.ZodString = (s) => s, label = "A value") => rules(z.string()).refine(isWellFormedText, `${label} ${NOT_TEXT}`);

const fieldValue = z
  .union([text((s) => s.max(1024, "A field value may be at most 1,024 characters."), "A field value"), z.number().finite(), z.boolean()], {
    error: "A field value must be a string, a finite number or a boolean (no objects, arrays or null).",
  })
  .openapi({ example: 49 });

/**
 * The path of a `__proto__` key anywhere in a parsed JSON value, or undefined. JSON.parse keeps
 * it as an own key, but no plain object built from it can (the assignment sets the prototype
 * instead), so it would silently vanish: it is refused by name instead. Iterative, so a deeply
 * nested body cannot overflow the stack.
 */
export function protoKeyPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (Object.hasOwn(v, "__proto__")) return path ? `${path}.__proto__` : "__proto__";
    for (const [k, child] of Object.entries(v)) stack.push([child, path ? `${path}.${k}` : k]);
  }
  return undefined;
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))?)?$/i;
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * An ISO-8601 date or date-time as milliseconds, or undefined when it does not name a real
 * instant (February 30th, 24:00, minute 60 are refused, never rolled over). A date-time without
 * an offset is UTC.
 */
export function parseIsoTimestamp(value: string): number | undefined {
  const m = ISO_TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((v) => (v === undefined ? undefined : Number(v))) as number[];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth(year!, month!) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetH = m[10] ? Number(m[10]) : 0;
  const offsetM = m[11] ? Number(m[11]) : 0;
  if (offsetH > 23 || offsetM > 59) return undefined;
  const offset = (m[9] === "-" ? -1 : 1) * (offsetH * 60 + offsetM) * 60_000;
  return Date.UTC(year!, month! - 1, day!, hour, minute, second, ms) - offset;
}

/** Unix seconds (a number) or ISO-8601 (a string), as a Date. Whether it is plausible for "now" is the service's call. */
const timestamp = z
  .union([z.string(), z.number().finite()], { error: "timestamp must be an ISO-8601 string (2026-11-28T12:00:00Z) or unix seconds." })
  .transform((v, ctx) => {
    if (typeof v === "number" && Math.abs(v) > 1e11) {
      ctx.addIssue({ code: "custom", message: "Unix timestamps are in seconds, not milliseconds." });
      return z.NEVER;
    }
    const ms = typeof v === "number" ? v * 1000 : parseIsoTimestamp(v);
    if (ms === undefined || !Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: "Use a real date in ISO-8601 (2026-11-28T12:00:00Z) or unix seconds." });
      return z.NEVER;
    }
    return new Date(ms);
  })
  .openapi({
    oneOf: [
      { type: "string", format: "date-time", example: "2026-11-28T12:00:00Z" },
      { type: "number", description: "Unix time in seconds", example: 1795867200 },
    ],
    description: "When it happened: ISO-8601 or unix seconds, between 2000-01-01 and a day from now. Defaults to now.",
  });

/** The fields of one event, shared by POST /events and each event of a batch. */
const eventShape = {
  category: z
    .string({ error: (issue) => (issue.input === undefined ? "category is required: the name of one of your categories." : "category must be a string: the name of one of your categories.") })
    .min(1, "category must not be empty: give the name of one of your categories.")
    .max(64, "category may be at most 64 characters (category names are 1–32).")
    .openapi({ example: "sale", description: "Name of one of your categories, matched case-insensitively." }),
  description: text((s) => s.max(2000, "description may be at most 2,000 characters."), "description")
    .optional()
    .openapi({ example: "Someone bought the PRO plan", description: 'Up to 2,000 characters. Default: "A new <category> event has occurred!"' }),
  fields: z
    .record(z.string(), fieldValue)
    .refine((o) => Object.keys(o).length <= 25, "fields may have at most 25 keys.")
    .superRefine((o, ctx) => {
      for (const key of Object.keys(o)) {
        if (key.length < 1 || key.length > 64) ctx.addIssue({ code: "custom", path: [key], message: "A field name must be 1–64 characters." });
        else if (!isWellFormedText(key)) ctx.addIssue({ code: "custom", path: [key], message: `A field name ${NOT_TEXT}` });
      }
    })
    .optional()
    .openapi({
      example: { plan: "PRO", amount: 49, email: "ada@example.com" },
      description: "Flat object, at most 25 keys of 1–64 characters; values are strings (≤ 1,024 characters), finite numbers or booleans.",
    }),
  tags: z
    .array(text((s) => s.max(32, "A tag may be at most 32 characters."), "A tag"))
    .max(10, "At most 10 tags.")
    .optional()
    .openapi({ example: ["web"], description: "Up to 10 tags of at most 32 characters." }),
  timestamp: timestamp.optional(),
  notify: z.boolean().optional().openapi({ description: "false stores the event without notifying. Default true." }),
};

const unknownEventFields = { error: (issue: { code: string; keys?: string[] }) => (issue.code === "unrecognized_keys" ? `Unknown field(s): ${issue.keys?.join(", ")}.` : undefined) };

export const CreateEventBody = z.strictObject(eventShape, unknownEventFields).openapi("CreateEvent");

export const AcceptedEvent = z
  .object({
    id: z.string(),
    category: z.string(),
    createdAt: z.string(),
    deliveries: z.array(z.object({ channel: z.string(), status: z.string() })),
    warning: z.string().optional(),
  })
  .openapi("AcceptedEvent");

export const EventItem = z
  .object({
    id: z.string(),
    category: z.string(),
    description: z.string(),
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    tags: z.array(z.string()),
    status: z.string(),
    notify: z.boolean(),
    occurredAt: z.string(),
    createdAt: z.string(),
  })
  .openapi("Event");

export const ListEventsQuery = z.object({
  category: z.string().max(64).optional().openapi({ example: "sale" }),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: "Inclusive lower bound on createdAt (ISO-8601)." }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: "Exclusive upper bound on createdAt (ISO-8601)." }),
  cursor: z.string().max(128).optional().openapi({ description: "nextCursor from the previous page." }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const CreateCategoryBody = z
  .strictObject({
    name: z
      .string()
      .transform((v) => v.trim().toLowerCase())
      .pipe(z.string().regex(CATEGORY_NAME_PATTERN, `name must be ${CATEGORY_NAME_RULE}.`))
      .openapi({ example: "signup", description: "a-z, 0-9 and hyphens, 1–32 characters; stored lowercase." }),
    color: z.string().regex(COLOR_PATTERN, "color must look like #FF6B6B.").optional().openapi({ example: "#54A0FF", description: "#RRGGBB. Default: one of the presets." }),
    emoji: z.string().refine(isSingleEmoji, "emoji must be a single emoji.").optional().openapi({ example: "👤", description: "A single emoji." }),
  })
  .openapi("CreateCategory");

export const Category = z.object({ id: z.string(), name: z.string(), color: z.string(), emoji: z.string().nullable(), createdAt: z.string() }).openapi("Category");

export const Quota = z
  .object({
    plan: z.enum(["FREE", "PRO", "ENTERPRISE"]),
    period: z.string().openapi({ example: "2026-11" }),
    limit: z.number(),
    used: z.number(),
    remaining: z.number(),
    resetsAt: z.string(),
    categories: z.object({ used: z.number(), limit: z.number() }),
  })
  .openapi("Quota");

export const ErrorBody = z.object({ error: z.object({ code: z.string().openapi({ example: "VALIDATION_FAILED" }), message: z.string(), details: z.unknown().optional() }) }).openapi("Error");

/** POST /events/batch: at most this many events, in a body of at most MAX_BATCH_BODY_BYTES. */
export const MAX_BATCH_EVENTS = 100;
export const MAX_BATCH_BODY_BYTES = 1024 * 1024;

/** One event of a batch: an event as POST /events takes it, plus its own Idempotency-Key. */
export const BatchEvent = z
  .strictObject(
    {
      ...eventShape,
      idempotencyKey: z
        .string({ error: "idempotencyKey must be a string of 1–255 characters." })
        .min(1, "idempotencyKey must be 1–255 characters.")
        .max(255, "idempotencyKey must be 1–255 characters.")
        .optional()
        .openapi({
          example: "order-1042",
          description: "This event's Idempotency-Key (what the header is to POST /events): the same key within 24 h gives the first event's result again and stores nothing new.",
        }),
    },
    unknownEventFields,
  )
  .openapi("BatchEvent");

/**
 * The batch as a whole, checked before any event is: an object whose `events` lists 1–100
 * values. Each value is then checked on its own (BatchEvent), so a bad event fails alone.
 */
export const BatchEnvelope = z.strictObject(
  {
    events: z
      .array(z.unknown(), { error: (issue) => (issue.input === undefined ? "events is required: a list of 1–100 events." : "events must be a list of 1–100 events.") })
      .min(1, "events must hold at least one event.")
      .max(MAX_BATCH_EVENTS, `events may hold at most ${MAX_BATCH_EVENTS} events; send more in several batches.`),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field(s): ${issue.keys.join(", ")}. The body is {"events": [...]}.` : undefined) },
);

/** The documented request body (each event validated like POST /events, plus idempotencyKey). */
export const CreateEventBatchBody = z.object({ events: z.array(BatchEvent).min(1).max(MAX_BATCH_EVENTS) }).openapi("CreateEventBatch");

export const BatchAccepted = AcceptedEvent.extend({
  status: z.literal(202).openapi({ description: "Stored (or, with replayed, stored before under the same idempotencyKey)." }),
  replayed: z.boolean().optional().openapi({ description: "true when idempotencyKey was used within 24 h: this is the first event's result, nothing new was stored." }),
}).openapi("BatchAccepted");

export const BatchRefused = ErrorBody.extend({
  status: z.number().int().openapi({ example: 404, description: "The status POST /events would have answered for this event alone." }),
}).openapi("BatchRefused");

export const EventBatchResult = z.object({ results: z.array(z.union([BatchAccepted, BatchRefused])).openapi({ description: "One result per event, in the order sent." }) }).openapi("EventBatchResult");
