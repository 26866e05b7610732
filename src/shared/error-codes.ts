/**
 * The one error model's codes and the HTTP status of each. The server throws them (AppError) and
 * sends them with every error (`code` on the public API, `data.appCode` on tRPC); the UI reads them.
 */
export const errorStatus = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  /** The account (or, for an API key, the owner of its workspace) is suspended by an operator. */
  ACCOUNT_SUSPENDED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  VALIDATION_FAILED: 422,
  QUOTA_EXCEEDED: 429,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
} as const;

export type AppErrorCode = keyof typeof errorStatus;
