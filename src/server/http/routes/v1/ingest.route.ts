import type { Context } from "hono";
import { keyAccess, type ApiKeyOwner } from "@/server/api-key/api-key.service";
import { AppError } from "@/server/errors";
import { ingestEvent, ingestEvents, type BatchItem } from "@/server/event/event.service";
import type { IngestEndpoint } from "@/server/metrics/metrics";
import type { QuotaState } from "@/server/quota/quota.service";
import type { Services } from "@/server/services";
import { errorAnswer, errorBody } from "../../error-envelope";
import { authenticateRequest } from "../../middleware/api-key-auth";
import { currentQuotaHeaders, quotaHeaderValues } from "../../middleware/quota-headers";
import { takeRateLimit } from "../../middleware/rate-limit";
import { apiSecurityHeaderList } from "../../middleware/security-headers";
import { checkBodyLimit, requestHeader, tooLargeRefusal } from "../../read-body";
import { BatchEnvelope, BatchEvent, CreateEventBody, MAX_BATCH_BODY_BYTES, MAX_BODY_BYTES } from "./schemas";
import { parse, readJsonBody, refuseProtoKeys, validationError } from "./v1.request";

/**
 * The ingest endpoints, POST /api/v1/events (/event) and POST /api/v1/events/batch: the hot
 * path. app.ts mounts them ahead of every middleware, so each handler here does, in the same
 * order, what the middleware of the other /api/v1 routes does — body limit, security headers,
 * API key, rate limit, quota headers, error envelope — and answers with a plain header record:
 * no Headers objects, context variables or middleware chain per request.
 */

type Work = { status: number; body: unknown; quota?: QuotaState; headers?: [string, string][] };

function endpoint(s: Services, kind: IngestEndpoint, maxBytes: number, work: (c: Context, owner: ApiKeyOwner, read: Buffer | undefined) => Promise<Work>) {
  const security = apiSecurityHeaderList(s.env.APP_URL.startsWith("https://"));
  const recordAnswer = s.metrics.ingest(kind);
  return async (c: Context): Promise<Response> => {
    const startedAt = performance.now();
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    for (const [name, value] of security) headers[name] = value;
    // Every answer leaves through here: latency, events accepted and refused (by code) counted once.
    const answer = (status: number, body: unknown) => {
      recordAnswer(status, body, startedAt);
      return new Response(JSON.stringify(body), { status, headers });
    };
    const failure = (error: unknown) => {
      const { status, body, retryAfterSeconds } = errorAnswer(error, s.logger, c.req.path);
      if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
      return { status, body };
    };

    const refuseTooLarge = (message: string) => {
      headers.Connection = "close";
      return answer(413, errorBody("PAYLOAD_TOO_LARGE", message));
    };
    let owner: ApiKeyOwner;
    let read: Buffer | undefined;
    try {
      // Before anything else (bodyLimit): a declared length over the limit, or a chunked body crossing it.
      const limit = checkBodyLimit(c, maxBytes);
      if ("refuse" in limit) return refuseTooLarge(limit.refuse);
      if (limit.read) {
        try {
          read = await limit.read;
        } catch (error) {
          const message = tooLargeRefusal(error);
          if (message) return refuseTooLarge(message);
          throw error;
        }
      }
      const auth = await authenticateRequest(s, requestHeader(c, "authorization"));
      if ("refused" in auth) return answer(401, errorBody("UNAUTHENTICATED", auth.refused));
      owner = auth.owner;
    } catch (error) {
      const { status, body } = failure(error);
      return answer(status, body);
    }

    // From here every answer carries the monthly quota: as the work counted it, or as stored.
    let done: Work;
    try {
      const rate = await takeRateLimit(s, owner.keyId);
      for (const [name, value] of rate.headers) headers[name] = value;
      if (rate.refusal) done = { status: rate.refusal.status, body: errorBody(rate.refusal.code, rate.refusal.message) };
      else {
        done = await work(c, owner, read);
        for (const [name, value] of done.headers ?? []) headers[name] = value;
      }
    } catch (error) {
      done = failure(error);
    }
    try {
      for (const [name, value] of done.quota ? quotaHeaderValues(done.quota) : await currentQuotaHeaders(s, keyAccess(owner))) headers[name] = value;
    } catch (error) {
      done = failure(error);
    }
    return answer(done.status, done.body);
  };
}

/** POST /events: one event, 202 with it (or the first event's answer again for a known Idempotency-Key). */
function single(s: Services) {
  return endpoint(s, "single", MAX_BODY_BYTES, async (c, owner, read) => {
    const input = parse(CreateEventBody, await readJsonBody(c, { read }));
    const idempotencyKey = requestHeader(c, "idempotency-key");
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 255)) {
      throw new AppError("VALIDATION_FAILED", "Idempotency-Key must be 1–255 characters.", [{ field: "Idempotency-Key", message: "1–255 characters" }]);
    }
    const { event, quota, replayed } = await ingestEvent(s, keyAccess(owner), { ...input, occurredAt: input.timestamp }, idempotencyKey);
    return { status: 202, body: event, quota, headers: replayed ? [["Idempotent-Replayed", "true"]] : undefined };
  });
}

/**
 * POST /events/batch: 1–100 events, each with the outcome POST /events would have given it
 * alone, in order. A body that is not such a batch is refused whole (4xx, nothing stored); an
 * event that fails (validation, unknown category, quota) fails alone. A batch takes one
 * request's token of the rate limit; each event counts against the monthly quota.
 */
function batch(s: Services) {
  return endpoint(s, "batch", MAX_BATCH_BODY_BYTES, async (c, owner, read) => {
    const body = await readJsonBody(c, { read, maxBytes: MAX_BATCH_BODY_BYTES, checkProto: false });
    // The events are checked one by one below; here only the envelope's own keys.
    if (typeof body === "object" && body !== null && Object.hasOwn(body, "__proto__")) {
      throw new AppError("VALIDATION_FAILED", '__proto__: "__proto__" cannot be used as a name.', [{ field: "__proto__", message: '"__proto__" cannot be used as a name.' }]);
    }
    const { events } = parse(BatchEnvelope, body);
    const items = events.map((value): BatchItem => {
      try {
        refuseProtoKeys(value);
        const parsed = BatchEvent.safeParse(value);
        if (!parsed.success) return { error: validationError(parsed.error) };
        const { idempotencyKey, timestamp, ...input } = parsed.data;
        return { input: { ...input, occurredAt: timestamp }, idempotencyKey };
      } catch (error) {
        if (error instanceof AppError) return { error };
        throw error;
      }
    });
    const outcomes = await ingestEvents(s, keyAccess(owner), items);
    let quota: QuotaState | undefined;
    const results = outcomes.map((outcome) => {
      if ("ok" in outcome) {
        const { event, quota: after, replayed } = outcome.ok;
        if (after && (!quota || after.used > quota.used)) quota = after;
        return { status: 202, ...event, ...(replayed ? { replayed: true } : {}) };
      }
      const { status, body: refused } = errorAnswer(outcome.error, s.logger, c.req.path);
      return { status, ...refused };
    });
    return { status: 200, body: { results }, quota };
  });
}

export function ingestRoutes(s: Services) {
  return { single: single(s), batch: batch(s) };
}
