import "server-only";
import { headers } from "next/headers";
import { configuredProviders, services } from "@/server/pages";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The first value of a query parameter. */
export const param = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * What every auth page needs from the server: the configured OAuth providers and whether the
 * page was opened on an origin other than APP_URL, where cookies would silently not work.
 */
export async function authPageContext() {
  const { env } = services();
  const h = await headers();
  const host = h.get("host");
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  const appOrigin = new URL(env.APP_URL).origin;
  let pageOrigin: string | undefined;
  try {
    pageOrigin = host ? new URL(`${proto}://${host}`).origin : undefined;
  } catch {
    pageOrigin = undefined;
  }
  const originMismatch = pageOrigin && pageOrigin !== appOrigin ? { pageOrigin, appOrigin } : undefined;
  return { providers: configuredProviders(env), originMismatch };
}
