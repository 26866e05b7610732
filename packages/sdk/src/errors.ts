/**
 * The `code` of an error that never got an API answer, or got one that is not the API's error
 * envelope. Any other code is the API's own `error.code` (VALIDATION_FAILED, UNKNOWN_CATEGORY,
 * UNAUTHENTICATED, RATE_LIMITED, QUOTA_EXCEEDED, …).
 */
export type ClientErrorCode =
  /** The request failed before an answer came (DNS, refused or reset connection, …). */
  | "NETWORK_ERROR"
  /** An attempt took longer than `timeoutMs`. */
  | "TIMEOUT"
  /** The call's `signal` was aborted. */
  | "ABORTED"
  /** A 2xx answer whose body is not the JSON the API sends. */
  | "INVALID_RESPONSE"
  /** A non-2xx answer without the API's error envelope (e.g. a proxy's 502 page). */
  | "HTTP_ERROR";

export interface PingPilotErrorInit {
  code: string;
  message: string;
  status?: number;
  details?: unknown;
  retryAfter?: number;
  attempts?: number;
  cause?: unknown;
}

/** Every failure of a PingPilot call: an API error answer, a network error, a timeout or an abort. */
export class PingPilotError extends Error {
  override readonly name = "PingPilotError";
  /** The HTTP status of the answer; undefined when no answer came (network error, timeout, abort). */
  readonly status: number | undefined;
  /** The API's `error.code`, or one of the ClientErrorCode values. */
  readonly code: string;
  /** The API's `error.details` (for VALIDATION_FAILED: a list of `{ field, message }`), if any. */
  readonly details: unknown;
  /** Seconds to wait before trying again, from the answer's Retry-After header, if it had one. */
  readonly retryAfter: number | undefined;
  /** How many HTTP attempts the call made before giving up (0 when it was aborted before the first). */
  readonly attempts: number;

  constructor(init: PingPilotErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
    this.retryAfter = init.retryAfter;
    this.attempts = init.attempts ?? 0;
  }

  /** true for the errors a later attempt might not get: network errors, timeouts, 5xx and 429 (except QUOTA_EXCEEDED). */
  get retryable(): boolean {
    if (this.code === "TIMEOUT" || this.code === "NETWORK_ERROR") return true;
    if (this.status === undefined) return false;
    if (this.status === 429) return this.code !== "QUOTA_EXCEEDED";
    return this.status >= 500;
  }
}

/** Whether `value` is a PingPilotError (also across realms and copies of the package). */
export function isPingPilotError(value: unknown): value is PingPilotError {
  return (
    value instanceof PingPilotError ||
    (typeof value === "object" && value !== null && (value as { name?: unknown }).name === "PingPilotError" && typeof (value as { code?: unknown }).code === "string")
  );
}
