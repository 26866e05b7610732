/**
 * The public API's request and response shapes, written to match the OpenAPI document that a
 * PingPilot server serves at /api/v1/openapi.json (component names in brackets). The test
 * test/openapi-drift.test.ts fetches that document from a running server and compares every
 * field name and every required/optional flag here with it, so the two cannot drift apart.
 */

/** A value of `fields`: a string (≤ 1,024 characters), a finite number or a boolean. */
export type FieldValue = string | number | boolean;

/** One event as `POST /api/v1/events` takes it [CreateEvent]. */
export interface EventInput {
  /** Name of one of your categories, matched case-insensitively. */
  category: string;
  /** Up to 2,000 characters. Default: "A new <category> event has occurred!" */
  description?: string;
  /** Flat object, at most 25 keys of 1–64 characters. */
  fields?: Record<string, FieldValue>;
  /** Up to 10 tags of at most 32 characters. */
  tags?: string[];
  /** When it happened: ISO-8601, unix seconds, or a Date (sent as ISO-8601). Default: now. */
  timestamp?: string | number | Date;
  /** false stores the event without notifying. Default true. */
  notify?: boolean;
}

/**
 * An event with its idempotency key [BatchEvent]. `track()` sends the key as the
 * Idempotency-Key header, `batch()` in the body; either way the SDK makes one up when it is
 * missing (one per event, kept for all retries of that call).
 */
export interface TrackInput extends EventInput {
  /** 1–255 characters; the same key within 24 h returns the first event's answer and stores nothing new. */
  idempotencyKey?: string;
}

/** A delivery as the 202 answer lists it. */
export interface Delivery {
  channel: string;
  status: string;
}

/** The 202 answer of `POST /api/v1/events` [AcceptedEvent]. */
export interface AcceptedEvent {
  id: string;
  category: string;
  createdAt: string;
  deliveries: Delivery[];
  /** Set when the event was stored but nothing will be notified (e.g. no channel configured). */
  warning?: string;
}

/** The error envelope of every non-2xx answer [Error]. */
export interface ApiErrorBody {
  error: {
    /** UPPER_SNAKE, e.g. VALIDATION_FAILED, UNKNOWN_CATEGORY, RATE_LIMITED, QUOTA_EXCEEDED. */
    code: string;
    message: string;
    details?: unknown;
  };
}

/** A stored event of a batch [BatchAccepted]. */
export interface BatchAccepted extends AcceptedEvent {
  status: 202;
  /** true when the idempotencyKey was used within 24 h: the first event's result, nothing new stored. */
  replayed?: boolean;
}

/** A refused event of a batch: the status and error `POST /events` would have answered for it alone [BatchRefused]. */
export interface BatchRefused extends ApiErrorBody {
  status: number;
}

/** The 200 answer of `POST /api/v1/events/batch`: one result per event, in the order sent [EventBatchResult]. */
export interface BatchResult {
  results: (BatchAccepted | BatchRefused)[];
}

/** A category [Category]. */
export interface Category {
  id: string;
  name: string;
  color: string;
  emoji: string | null;
  createdAt: string;
}

/** The body of `POST /api/v1/categories` [CreateCategory]. */
export interface CreateCategoryInput {
  /** a-z, 0-9 and hyphens, 1–32 characters; stored lowercase. */
  name: string;
  /** #RRGGBB. Default: one of the presets. */
  color?: string;
  /** A single emoji. */
  emoji?: string;
}

/** The answer of `GET /api/v1/categories`. */
export interface CategoryList {
  data: Category[];
}

/** The answer of `GET /api/v1/quota` [Quota]. */
export interface Quota {
  plan: "FREE" | "PRO" | "ENTERPRISE";
  /** The month, e.g. "2026-11". */
  period: string;
  limit: number;
  used: number;
  remaining: number;
  resetsAt: string;
  categories: { used: number; limit: number };
}

/** A stored event as `GET /api/v1/events` lists it [Event]. */
export interface StoredEvent {
  id: string;
  category: string;
  description: string;
  fields: Record<string, FieldValue>;
  tags: string[];
  status: string;
  notify: boolean;
  occurredAt: string;
  createdAt: string;
}

/** The query of `GET /api/v1/events`. */
export interface ListEventsQuery {
  category?: string;
  /** Inclusive lower bound on createdAt (ISO-8601 or a Date). */
  from?: string | Date;
  /** Exclusive upper bound on createdAt (ISO-8601 or a Date). */
  to?: string | Date;
  /** nextCursor from the previous page. */
  cursor?: string;
  /** 1–100, default 50. */
  limit?: number;
}

/** The answer of `GET /api/v1/events`: a page of events, newest first. */
export interface EventPage {
  data: StoredEvent[];
  nextCursor: string | null;
}

/**
 * What every method resolves to when the client is disabled (`disabled: true`, or no
 * `apiKey`): nothing is sent, nothing is thrown.
 */
export interface Disabled {
  disabled: true;
  /** "disabled" when `disabled: true` was passed, "no-api-key" when `apiKey` was empty or missing. */
  reason: "disabled" | "no-api-key";
}

/** Per-call options, accepted by every method as its last argument. */
export interface CallOptions {
  /** Aborts the call: the request in flight and any wait before a retry. */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for each attempt of this call. */
  timeoutMs?: number;
  /** Overrides the client's `retries` for this call. */
  retries?: number;
}

export interface PingPilotOptions {
  /** Your API key (pp_…). Empty or missing: the client is disabled (see `Disabled`). */
  apiKey?: string | null;
  /** Where your PingPilot runs, e.g. https://pingpilot.example.com. Required unless disabled. */
  baseUrl?: string | null;
  /** Time limit of each HTTP attempt, in ms. Default 10,000. */
  timeoutMs?: number;
  /** Retries after the first attempt (network errors, timeouts, 5xx, 429). Default 3; 0 turns retrying off. */
  retries?: number;
  /** The longest wait before a retry, in ms: a Retry-After longer than this is not waited for (the error is thrown). Default 30,000. */
  maxRetryDelayMs?: number;
  /** true: every call is a no-op resolving to `{ disabled: true, reason: "disabled" }`. */
  disabled?: boolean;
  /** The fetch to use. Default: the global fetch, looked up at each call. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}
