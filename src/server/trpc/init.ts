import { initTRPC, TRPCError } from "@trpc/server";
import type { SessionInfo } from "@/server/auth/session";
import { AppError } from "@/server/errors";
import type { Services } from "@/server/services";

export type TrpcContext = { services: Services; session: SessionInfo | null };

const TRPC_CODE = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  VALIDATION_FAILED: "UNPROCESSABLE_CONTENT",
  QUOTA_EXCEEDED: "TOO_MANY_REQUESTS",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
} as const;

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause instanceof AppError ? error.cause : undefined;
    return { ...shape, data: { ...shape.data, appCode: cause?.code, stack: undefined } };
  },
});

/** Services throw AppError; it becomes the matching tRPC error here, once. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapAppErrors);
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user } });
});
