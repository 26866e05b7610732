import type { Env } from "@/env";

/**
 * An operator: a signed-in account whose address is listed in ADMIN_EMAILS and verified. An
 * unverified address proves nothing (anyone can sign up with an operator's email), so it is
 * never enough. Pages (through server/pages.ts), tRPC (operatorProcedure) and nothing else ask.
 */
export function isOperator(env: Pick<Env, "ADMIN_EMAILS">, user: { email: string; emailVerified: boolean } | null | undefined): boolean {
  if (!user?.emailVerified) return false;
  return env.ADMIN_EMAILS.includes(user.email.trim().toLowerCase());
}
