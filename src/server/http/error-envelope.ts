import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError } from "@/server/errors";
import type { Logger } from "@/server/log/logger";

/** Every API error has one shape: {"error":{"code","message","details"}}. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export function sendError(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
  return c.json(errorBody(code, message, details), status);
}

/** The answer to an error: AppError as it says; anything else a 500 that hides internals and logs the cause. */
export function errorAnswer(err: unknown, logger: Logger, path: string): { status: ContentfulStatusCode; body: ReturnType<typeof errorBody>; retryAfterSeconds?: number } {
  if (err instanceof AppError) return { status: err.status as ContentfulStatusCode, body: errorBody(err.code, err.message, err.details), retryAfterSeconds: err.retryAfterSeconds };
  logger.error({ err, path }, "unhandled error");
  return { status: 500, body: errorBody("INTERNAL", "Something went wrong on our side. Try again in a moment.") };
}

/** Maps AppError once; anything else is a 500 that hides internals and logs the cause. */
export function handleError(logger: Logger) {
  return (err: Error, c: Context) => {
    const { status, body, retryAfterSeconds } = errorAnswer(err, logger, c.req.path);
    if (retryAfterSeconds !== undefined) c.header("Retry-After", String(retryAfterSeconds));
    return c.json(body, status);
  };
}
