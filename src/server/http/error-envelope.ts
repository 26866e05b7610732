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

/** Maps AppError once; anything else is a 500 that hides internals and logs the cause. */
export function handleError(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) {
      if (err.retryAfterSeconds !== undefined) c.header("Retry-After", String(err.retryAfterSeconds));
      return sendError(c, err.status as ContentfulStatusCode, err.code, err.message, err.details);
    }
    logger.error({ err, path: c.req.path }, "unhandled error");
    return sendError(c, 500, "INTERNAL", "Something went wrong on our side. Try again in a moment.");
  };
}
