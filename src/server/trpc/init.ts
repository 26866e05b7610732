import { initTRPC, TRPCError } from "@trpc/server";
import { isOperator } from "@/server/admin/operator";
import type { SessionInfo } from "@/server/auth/session";
import { AppError, type AppErrorCode } from "@/server/errors";
import type { Services } from "@/server/services";

/** `clientIp`: the address the client-ip middleware decided (TRUST_PROXY), for throttles. */
export type TrpcContext = { services: Services; session: SessionInfo | null; clientIp: string };

const TRPC_CODE = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  ACCOUNT_SUSPENDED: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  VALIDATION_FAILED: "UNPROCESSABLE_CONTENT",
  QUOTA_EXCEEDED: "TOO_MANY_REQUESTS",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
} as const;

/** tRPC's own errors (an unknown procedure, a too-large batch, a missing session) in the one error model. */
const APP_CODE: Partial<Record<TRPCError["code"], AppErrorCode>> = {
  BAD_REQUEST: "BAD_REQUEST",
  PARSE_ERROR: "BAD_REQUEST",
  METHOD_NOT_SUPPORTED: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  UNPROCESSABLE_CONTENT: "VALIDATION_FAILED",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
};

const INTERNAL_MESSAGE = "Something went wrong on our side. Try again in a moment.";

type Issue = { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] };
const hasIssues = (cause: unknown): cause is { issues: Issue[] } => Array.isArray((cause as { issues?: unknown } | undefined)?.issues);

/** Input validation failures in the public API's shape: the first problem as the message, every one in details. */
function validationFailed(issues: Issue[]) {
  const details = issues.map((i) => ({
    field: (i.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".") || "(input)",
    message: i.message,
  }));
  const first = details[0] ?? { field: "(input)", message: "The input is not valid." };
  return new AppError("VALIDATION_FAILED", first.field === "(input)" ? first.message : `${first.field}: ${first.message}`, details);
}

/**
 * Errors reach the browser in one shape: `data.appCode` (the AppError code the UI reads) and
 * `data.details` for validation. Anything unexpected keeps its cause in the log (trpc.route.ts)
 * and shows only a generic sentence, never an internal message such as a SQL error.
 */
const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause instanceof AppError ? error.cause : undefined;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: internal ? INTERNAL_MESSAGE : shape.message,
      data: { ...shape.data, appCode: cause?.code ?? APP_CODE[error.code] ?? "INTERNAL", details: cause?.details, stack: undefined },
    };
  },
});

/** Services throw AppError and inputs fail validation; each becomes the matching tRPC error here, once. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const { error } = result;
  const cause = error.cause instanceof AppError ? error.cause : error.code === "BAD_REQUEST" && hasIssues(error.cause) ? validationFailed(error.cause.issues) : undefined;
  if (cause) throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapAppErrors);
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  if (ctx.session.workspaceRefused) throw new TRPCError({ code: "NOT_FOUND", message: "This workspace is not available to you. Reload the page to open your own." });
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user, workspace: ctx.session.workspace } });
});
/**
 * Operators only (ADMIN_EMAILS, verified address). Anyone else, signed in or not, gets the very
 * answer a procedure that does not exist gets, so the admin API is not even visible to them.
 */
export const operatorProcedure = publicProcedure.use(({ ctx, path, next }) => {
  if (!ctx.session || !isOperator(ctx.services.env, ctx.session.user)) throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${path}"` });
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user } });
});
