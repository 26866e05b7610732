import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { signInUrlFor } from "@/shared/safe-redirect";
import { services } from "@/server/services";
import { PATH_HEADER } from "@/shared/auth-cookies";
import type { CurrentWorkspace } from "@/shared/current-user";
import { requestedWorkspace, resolveSession, type CurrentUser } from "./session";

/** The signed-in user for server components and route code; one lookup per request (React cache). */
export const getCurrentSession = cache(async () => {
  const h = new Headers(await headers());
  const path = h.get(PATH_HEADER);
  const { info } = await resolveSession(services(), h, requestedWorkspace(h, path ? new URL(path, "http://page") : undefined));
  return info;
});

/** The workspace the page shows (see requestedWorkspace); the caller has checked the session. */
export async function requireWorkspace(): Promise<CurrentWorkspace> {
  await requireUser();
  const { id, name, slug, plan, role } = (await getCurrentSession())!.workspace;
  return { id, name, slug, plan, role };
}

export async function getCurrentUser(): Promise<CurrentUser | null> {
  return (await getCurrentSession())?.user ?? null;
}

/** Like getCurrentUser, but a signed-out visitor is sent to sign-in and back to this page. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (user) return user;
  const path = (await headers()).get(PATH_HEADER) ?? "/dashboard";
  redirect(signInUrlFor(path));
}
