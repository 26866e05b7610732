import type { MiddlewareHandler } from "hono";
import { CLIENT_IP_HEADER } from "@/server/auth/session-policy";

type NodeBindings = { incoming?: { socket?: { remoteAddress?: string } } };

/**
 * Decides the client address once: the socket peer, or the first X-Forwarded-For hop when
 * TRUST_PROXY is on. A client-sent copy of the internal header is always discarded.
 */
export function clientIp(trustProxy: boolean): MiddlewareHandler<{ Variables: { clientIp: string } }> {
  return async (c, next) => {
    const forwarded = trustProxy ? c.req.header("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
    const peer = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
    const ip = forwarded || peer || "unknown";
    c.set("clientIp", ip);
    c.req.raw.headers.delete(CLIENT_IP_HEADER);
    c.req.raw.headers.set(CLIENT_IP_HEADER, ip);
    await next();
  };
}

export const isLoopback = (ip: string) => ip === "127.0.0.1" || ip === "::1" || ip === "::ffff:127.0.0.1";
