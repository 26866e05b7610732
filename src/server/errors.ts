import { errorStatus, type AppErrorCode } from "@/shared/error-codes";

export { errorStatus, type AppErrorCode };

/** The one error model. Services throw AppError; transports map it once (HTTP status / tRPC code). */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: unknown,
    /** For QUOTA_EXCEEDED and RATE_LIMITED: when to come back (the HTTP layer sends Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "AppError";
  }
  get status() {
    return errorStatus[this.code];
  }
}
