import type { Services } from "@/server/services";
import { ensureAppUser } from "@/server/user/user.service";
import { deleteSessionByToken } from "./session.queries";
import { ABSOLUTE_SESSION_LIFETIME_MS } from "./session-policy";
import type { CurrentUser } from "@/shared/current-user";
import { WORKSPACE_COOKIE, WORKSPACE_HEADER, WORKSPACE_PARAM } from "@/shared/auth-cookies";
import { resolveWorkspace, type WorkspaceAccess } from "@/server/workspace/workspace.service";

export type { CurrentUser };

/**
 * `workspaceRefused`: the app's client named a workspace by id (the page it belongs to) that the
 * user is not a member of (any more): its calls are refused instead of acting in another one.
 */
export type SessionInfo = { user: CurrentUser; workspace: WorkspaceAccess; workspaceRefused: boolean; sessionId: string; sessionToken: string; expiresAt: Date };

/**
 * Which workspace the request asks for: the app's clients name it by id in a header (the page
 * they belong to), a page by the `workspace` query parameter, else the last one opened (cookie).
 * Only a workspace the user belongs to is ever used (resolveWorkspace).
 */
export function requestedWorkspace(headers: Headers, url?: URL): { id?: string; slug?: string } {
  const id = headers.get(WORKSPACE_HEADER);
  if (id) return { id };
  const param = url?.searchParams.get(WORKSPACE_PARAM);
  if (param) return { slug: param };
  const cookie = headers.get("cookie")?.match(new RegExp(`(?:^|;\\s*)${WORKSPACE_COOKIE.replace(".", "\\.")}=([^;]*)`))?.[1];
  return cookie ? { slug: decodeURIComponent(cookie) } : {};
}

/**
 * The authoritative session check for every transport (pages, tRPC, API). Validates the
 * cookie through Better Auth (which slides the expiry), enforces the 30-day absolute
 * lifetime, and completes the PingPilot user if sign-up was interrupted.
 * Returns the Set-Cookie headers Better Auth produced (a refreshed cookie) for callers that can send them.
 */
export async function resolveSession(s: Services, headers: Headers, requested = requestedWorkspace(headers)): Promise<{ info: SessionInfo | null; setCookies: string[] }> {
  if (!headers.get("cookie")) return { info: null, setCookies: [] };
  const { headers: out, response } = await s.auth.api.getSession({ headers, returnHeaders: true });
  const setCookies = out.getSetCookie();
  if (!response) return { info: null, setCookies };
  const { session, user } = response;
  // Better Auth stamps and slides sessions on the wall clock, so the absolute lifetime is
  // measured on the same clock, not the services' one.
  if (new Date(session.createdAt).getTime() + ABSOLUTE_SESSION_LIFETIME_MS <= Date.now()) {
    await deleteSessionByToken(s.db, session.token);
    return { info: null, setCookies };
  }
  const appUser = await ensureAppUser(s.db, { externalId: user.id, email: user.email, name: user.name }, s.env.DEFAULT_PLAN, s.clock());
  // Suspending deletes every session; one created in the same instant is ended here.
  if (appUser.suspended_at) {
    await deleteSessionByToken(s.db, session.token);
    return { info: null, setCookies };
  }
  const workspace = await resolveWorkspace(s.db, appUser, requested, s.env.DEFAULT_PLAN, s.clock());
  return {
    setCookies,
    info: {
      workspace,
      workspaceRefused: requested.id !== undefined && requested.id !== workspace.id,
      sessionId: session.id,
      sessionToken: session.token,
      expiresAt: new Date(session.expiresAt),
      user: {
        id: appUser.id,
        externalId: user.id,
        email: user.email,
        name: user.name,
        image: user.image ?? null,
        emailVerified: Boolean(user.emailVerified),
      },
    },
  };
}
