import type { Services } from "@/server/services";
import { ensureAppUser } from "@/server/user/user.service";
import { deleteSessionByToken } from "./session.queries";
import { ABSOLUTE_SESSION_LIFETIME_MS } from "./session-policy";
import type { CurrentUser } from "@/shared/current-user";

export type { CurrentUser };

export type SessionInfo = { user: CurrentUser; sessionId: string; sessionToken: string; expiresAt: Date };

/**
 * The authoritative session check for every transport (pages, tRPC, API). Validates the
 * cookie through Better Auth (which slides the expiry), enforces the 30-day absolute
 * lifetime, and completes the PingPilot user if sign-up was interrupted.
 * Returns the Set-Cookie headers Better Auth produced (a refreshed cookie) for callers that can send them.
 */
export async function resolveSession(s: Services, headers: Headers): Promise<{ info: SessionInfo | null; setCookies: string[] }> {
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
  return {
    setCookies,
    info: {
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
        plan: appUser.plan,
      },
    },
  };
}
