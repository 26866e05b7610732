import { z } from "@hono/zod-openapi";
import { CATEGORY_NAME_PATTERN, CATEGORY_NAME_RULE, COLOR_PATTERN, isSingleEmoji } from "@/shared/category";

/** The public API's request and response shapes: validation and the OpenAPI document both come from here. */

export const MAX_BODY_BYTES = 64 * 1024;
const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

const fieldValue = z
  .union([z.string().max(1024, "A field value may be at most 1,024 characters."), z.number().finite(), z.boolean()], {
    error: "A field value must be a string, a finite number or a boolean (no objects, arrays or null).",
  })
  .openapi({ example: 49 });

const timestamp = z
  .union([
    z.string().regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, "Use ISO-8601 (2026-11-28T12:00:00Z) or unix seconds."),
    z.number().finite(),
  ])
  .transform((v, ctx) => {
    const ms = typeof v === "number" ? v * 1000 : Date.parse(v);
    if (!Number.isFinite(ms) || ms < EARLIEST || ms > Date.now() + MAX_FUTURE_MS) {
      ctx.addIssue({
        code: "custom",
        message:
          typeof v === "number" && v > 1e11
            ? "Unix timestamps are in seconds, not milliseconds."
            : "Timestamp must be a valid date between 2000-01-01 and tomorrow.",
      });
      return z.NEVER;
    }
    return new Date(ms);
  })
  .openapi({ type: "string", example: "2026-11-28T12:00:00Z", description: "When it happened: ISO-8601 or unix seconds. Defaults to now." });

export const CreateEventBody = z
  .strictObject(
    {
      category: z.string({ error: "category is required: the name of one of your categories." }).min(1).max(64).openapi({ example: "sale", description: "Name of one of your categories, matched case-insensitively." }),
      description: z.string().max(2000, "description may be at most 2,000 characters.").optional().openapi({ example: "Someone bought the PRO plan", description: "Up to 2,000 characters. Default: \"A new <category> event has occurred!\"" }),
      fields: z
        .record(z.string(), fieldValue)
        .refine((o) => Object.keys(o).length <= 25, "fields may have at most 25 keys.")
        .superRefine((o, ctx) => {
          for (const key of Object.keys(o)) {
            if (key.length < 1 || key.length > 64) ctx.addIssue({ code: "custom", path: [key], message: "A field name must be 1–64 characters." });
          }
        })
        .optional()
        .openapi({ example: { plan: "PRO", amount: 49, email: "ada@example.com" }, description: "Flat object, at most 25 keys of 1–64 characters; values are strings (≤ 1,024 characters), finite numbers or booleans." }),
      tags: z.array(z.string().max(32, "A tag may be at most 32 characters.")).max(10, "At most 10 tags.").optional().openapi({ example: ["web"], description: "Up to 10 tags of at most 32 characters." }),
      timestamp: timestamp.optional(),
      notify: z.boolean().optional().openapi({ description: "false stores the event without notifying. Default true." }),
    },
    { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field(s): ${issue.keys.join(", ")}.` : undefined) },
  )
  .openapi("CreateEvent");

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
    name: z.string().transform((v) => v.trim().toLowerCase()).pipe(z.string().regex(CATEGORY_NAME_PATTERN, `name must be ${CATEGORY_NAME_RULE}.`)).openapi({ example: "signup", description: "a-z, 0-9 and hyphens, 1–32 characters; stored lowercase." }),
    color: z.string().regex(COLOR_PATTERN, "color must look like #FF6B6B.").optional().openapi({ example: "#54A0FF", description: "#RRGGBB. Default: one of the presets." }),
    emoji: z.string().refine(isSingleEmoji, "emoji must be a single emoji.").optional().openapi({ example: "👤", description: "A single emoji." }),
  })
  .openapi("CreateCategory");

export const Category = z
  .object({ id: z.string(), name: z.string(), color: z.string(), emoji: z.string().nullable(), createdAt: z.string() })
  .openapi("Category");

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

export const ErrorBody = z
  .object({ error: z.object({ code: z.string().openapi({ example: "VALIDATION_FAILED" }), message: z.string(), details: z.unknown().optional() }) })
  .openapi("Error");
