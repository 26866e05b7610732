import type { AppErrorCode } from "@/shared/error-codes";

/** Every tRPC error from PingPilot carries its code in `data.appCode` (server/trpc/init.ts); "INTERNAL" for the unexpected. */
export function appErrorCode(error: unknown): AppErrorCode | "INTERNAL" | undefined {
  return (error as { data?: { appCode?: AppErrorCode | "INTERNAL" } | null } | null)?.data?.appCode;
}

const UNREACHABLE = "PingPilot could not be reached. Check your connection and try again.";
const SIGNED_OUT = "Your session has ended. Sign in again to continue.";

/**
 * The sentence to show for a failed call, chosen by its code: the server's own message for the
 * errors it explains (validation, limits, conflicts…), and a fixed one when there is no answer
 * to read (the network failed) or the session is gone.
 */
export function errorMessage(error: unknown): string {
  const code = appErrorCode(error);
  if (code === undefined) return UNREACHABLE;
  if (code === "UNAUTHENTICATED") return SIGNED_OUT;
  return (error as { message?: string }).message || UNREACHABLE;
}
