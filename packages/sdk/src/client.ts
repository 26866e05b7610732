import { PingPilotError } from "./errors.js";
import type { AcceptedEvent, BatchResult, CallOptions, Category, CategoryList, CreateCategoryInput, Disabled, EventPage, ListEventsQuery, PingPilotOptions, Quota, TrackInput } from "./types.js";

/**
 * The PingPilot client: fetch only, no Node APIs, so it runs on Node ≥ 18, Bun, Deno,
 * Cloudflare Workers and Vercel Edge alike.
 */

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;
/** Backoff before retry n (1, 2, 3, …) without Retry-After: a random wait in [½, 1] × min(8 s, 500 ms × 2^(n-1)). */
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;

type Fetch = (input: string, init: RequestInit) => Promise<Response>;
/** "all": network errors, timeouts, 5xx and 429 are retried (idempotent calls). "refused": only a 429 RATE_LIMITED, which the server answers before doing anything. */
type RetryPolicy = "all" | "refused";

interface Request {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  retry: RetryPolicy;
}

/** A UUID v4 from crypto.randomUUID, or from getRandomValues (or, last resort, Math.random) where that is missing (Node 18 without the global crypto). */
export function newIdempotencyKey(): string {
  const c = (globalThis as { crypto?: Partial<Crypto> }).crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof c?.getRandomValues === "function") c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Retry-After as seconds: delta-seconds ("120") or an HTTP date (time from now, at least 0);
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now) / 1000;
}

function backoffMs(retry: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retry - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function abortedError(signal: AbortSignal, attempts: number): PingPilotError {
  return new PingPilotError({ code: "ABORTED", message: "The PingPilot call was aborted.", attempts, cause: signal.reason });
}

/** Waits `ms`, or rejects with ABORTED as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined, attempts: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal, attempts));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal!, attempts));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function checkCount(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`PingPilot: ${name} must be a whole number ≥ 0 (got ${String(value)}).`);
  return value;
}

/** The cause's message, with the system error code underneath when there is one ("fetch failed (ECONNREFUSED)"). */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof inner?.code === "string" ? inner.code : typeof inner?.message === "string" ? inner.message : undefined;
  return code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
}

/** The base URL without trailing slashes or a trailing /api/v1, checked to be http(s). */
function normaliseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`PingPilot: baseUrl must be an absolute URL such as https://pingpilot.example.com (got "${value}").`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`PingPilot: baseUrl must start with http:// or https:// (got "${value}").`);
  return value.replace(/\/+$/, "").replace(/\/api\/v1$/, "");
}

/** The body of an event: `timestamp` as a Date becomes ISO-8601; everything else is sent as given (the server names unknown or invalid fields). */
function eventBody(event: TrackInput): Record<string, unknown> {
  if (typeof event !== "object" || event === null) throw new TypeError("PingPilot: an event must be an object with at least a category.");
  const body: Record<string, unknown> = { ...event };
  if (event.timestamp instanceof Date) body.timestamp = event.timestamp.toISOString();
  return body;
}

function searchParams(query: ListEventsQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(name, value instanceof Date ? value.toISOString() : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export class PingPilot {
  /** Why the client does nothing, or undefined when it is enabled. */
  readonly disabledReason: Disabled["reason"] | undefined;
  readonly baseUrl: string | undefined;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly maxRetryDelayMs: number;
  readonly #apiKey: string;
  readonly #fetch: Fetch;

  readonly categories: {
    /** GET /api/v1/categories: `{ data: Category[] }`. */
    list: (options?: CallOptions) => Promise<CategoryList | Disabled>;
    /** POST /api/v1/categories: the new category (201). Retried only on 429 RATE_LIMITED: a create is not idempotent. */
    create: (input: CreateCategoryInput, options?: CallOptions) => Promise<Category | Disabled>;
  };

  readonly events: {
    /** GET /api/v1/events: a page of events, newest first, and the cursor of the next page. */
    list: (query?: ListEventsQuery, options?: CallOptions) => Promise<EventPage | Disabled>;
  };

  constructor(options: PingPilotOptions = {}) {
    this.timeoutMs = checkCount("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.retries = checkCount("retries", options.retries, DEFAULT_RETRIES);
    this.maxRetryDelayMs = checkCount("maxRetryDelayMs", options.maxRetryDelayMs, DEFAULT_MAX_RETRY_DELAY_MS);
    this.#apiKey = typeof options.apiKey === "string" ? options.apiKey.trim() : "";
    this.disabledReason = options.disabled ? "disabled" : this.#apiKey ? undefined : "no-api-key";
    if (this.disabledReason === undefined && !options.baseUrl) {
      throw new TypeError("PingPilot: baseUrl is required: where your PingPilot runs, e.g. https://pingpilot.example.com.");
    }
    this.baseUrl = options.baseUrl ? normaliseBaseUrl(options.baseUrl) : undefined;
    // Looked up at each call (and called as a plain function: Workers refuse a fetch bound to another object).
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

    this.categories = {
      list: (callOptions) => this.#call<CategoryList>({ method: "GET", path: "/categories", retry: "all" }, callOptions),
      create: (input, callOptions) => this.#call<Category>({ method: "POST", path: "/categories", body: input, retry: "refused" }, callOptions),
    };
    this.events = {
      list: (query = {}, callOptions) => this.#call<EventPage>({ method: "GET", path: `/events${searchParams(query)}`, retry: "all" }, callOptions),
    };
  }

  /** true when calls are sent; false when every call resolves to `{ disabled: true, reason }`. */
  get enabled(): boolean {
    return this.disabledReason === undefined;
  }

  /**
   * POST /api/v1/events: stores the event and resolves to the 202 body. Sent with an
   * Idempotency-Key (`idempotencyKey`, or a new UUID), the same for every retry of this call, so
   * a retry after a lost answer stores nothing twice.
   */
  async track(event: TrackInput, options?: CallOptions): Promise<AcceptedEvent | Disabled> {
    if (!this.enabled) return this.#disabled();
    const { idempotencyKey, ...rest } = eventBody(event);
    const key = typeof idempotencyKey === "string" && idempotencyKey ? idempotencyKey : newIdempotencyKey();
    return this.#call<AcceptedEvent>({ method: "POST", path: "/events", body: rest, headers: { "Idempotency-Key": key }, retry: "all" }, options);
  }

  /**
   * POST /api/v1/events/batch: 1–100 events in one request; resolves to one result per event,
   * in order (`status` 202 and the event, or the status and error it would have got alone).
   * Each event without an `idempotencyKey` gets a new UUID, kept for the retries of this call.
   */
  async batch(events: TrackInput[], options?: CallOptions): Promise<BatchResult | Disabled> {
    if (!this.enabled) return this.#disabled();
    if (!Array.isArray(events)) throw new TypeError("PingPilot: batch() takes an array of events.");
    const body = { events: events.map((event) => ({ ...eventBody(event), idempotencyKey: event.idempotencyKey || newIdempotencyKey() })) };
    return this.#call<BatchResult>({ method: "POST", path: "/events/batch", body, retry: "all" }, options);
  }

  /** GET /api/v1/quota: this month's events used and left, and the categories used. */
  quota(options?: CallOptions): Promise<Quota | Disabled> {
    return this.#call<Quota>({ method: "GET", path: "/quota", retry: "all" }, options);
  }

  #disabled(): Promise<Disabled> {
    return Promise.resolve({ disabled: true, reason: this.disabledReason ?? "disabled" });
  }

  async #call<T>(request: Request, options: CallOptions = {}): Promise<T | Disabled> {
    if (!this.enabled) return this.#disabled();
    const retries = checkCount("retries", options.retries, this.retries);
    const timeoutMs = checkCount("timeoutMs", options.timeoutMs, this.timeoutMs);
    const { signal } = options;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortedError(signal, attempt - 1);
      let error: PingPilotError;
      try {
        return await this.#attempt<T>(request, attempt, timeoutMs, signal);
      } catch (caught) {
        if (!(caught instanceof PingPilotError)) throw caught;
        error = caught;
      }
      const retryable = request.retry === "all" ? error.retryable : error.status === 429 && error.code === "RATE_LIMITED";
      if (!retryable || attempt > retries) throw error;
      let wait = backoffMs(attempt);
      if (error.retryAfter !== undefined) {
        const asked = error.retryAfter * 1000;
        if (asked > this.maxRetryDelayMs) throw error;
        // What the server asked for, plus up to 10 % (≤ 1 s) so clients told the same do not all come back at once.
        wait = asked + Math.random() * Math.min(1000, asked / 10);
      }
      await sleep(wait, signal, attempt);
    }
  }

  /** One HTTP attempt: the answer's JSON body, or a PingPilotError. */
  async #attempt<T>(request: Request, attempts: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
    const url = `${this.baseUrl}/api/v1${request.path}`;
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#apiKey}`, Accept: "application/json", ...request.headers };
    if (request.body !== undefined) headers["Content-Type"] = "application/json";
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const failure = (cause: unknown, status?: number) => {
      if (signal?.aborted) return abortedError(signal, attempts);
      if (timedOut) return new PingPilotError({ code: "TIMEOUT", message: `PingPilot did not answer ${request.method} ${url} within ${timeoutMs} ms.`, status, attempts, cause });
      return new PingPilotError({ code: "NETWORK_ERROR", message: `Could not reach PingPilot at ${url}: ${describeCause(cause)}`, status, attempts, cause });
    };
    try {
      let response: Response;
      let text: string;
      try {
        response = await this.#fetch(url, { method: request.method, headers, body: request.body === undefined ? undefined : JSON.stringify(request.body), signal: controller.signal });
      } catch (cause) {
        throw failure(cause);
      }
      try {
        text = await response.text();
      } catch (cause) {
        throw failure(cause, response.status);
      }
      let json: unknown;
      let parsed = true;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = false;
      }
      if (response.ok) {
        if (!parsed || json === undefined) {
          throw new PingPilotError({
            code: "INVALID_RESPONSE",
            message: `PingPilot answered ${response.status} to ${request.method} ${url} without a JSON body: ${text.slice(0, 200)}`,
            status: response.status,
            attempts,
          });
        }
        return json as T;
      }
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      const envelope = parsed && typeof json === "object" && json !== null ? (json as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error : undefined;
      if (envelope && typeof envelope.code === "string") {
        throw new PingPilotError({
          code: envelope.code,
          message: typeof envelope.message === "string" ? envelope.message : `PingPilot answered ${response.status} ${envelope.code}.`,
          status: response.status,
          details: envelope.details,
          retryAfter,
          attempts,
        });
      }
      throw new PingPilotError({
        code: "HTTP_ERROR",
        message: `PingPilot answered ${response.status} to ${request.method} ${url}: ${text.slice(0, 200) || "(no body)"}`,
        status: response.status,
        retryAfter,
        attempts,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

/** Whether a result is the disabled client's `{ disabled: true, reason }`. */
export function isDisabled(result: unknown): result is Disabled {
  return typeof result === "object" && result !== null && (result as { disabled?: unknown }).disabled === true;
}
