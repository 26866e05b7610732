import type { MiddlewareHandler } from "hono";
import { requestedWorkspace, resolveSession, type SessionInfo } from "@/server/auth/session";
import type { Services } from "@/server/services";

type Vars = { Variables: { session: SessionInfo | null } };

/** Resolves the session once per request and forwards a refreshed cookie. */
export function loadSession(s: Services): MiddlewareHandler<Vars> {
  return async (c, next) => {
    const { info, setCookies } = await resolveSession(s, c.req.raw.headers, requestedWorkspace(c.req.raw.headers, new URL(c.req.url)));
    c.set("session", info);
    await next();
    for (const cookie of setCookies) c.res.headers.append("set-cookie", cookie);
  };
}
