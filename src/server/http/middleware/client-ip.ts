import type { MiddlewareHandler } from "hono";
import type { Logger } from "@/server/log/logger";
import { CLIENT_IP_HEADER } from "@/server/auth/session-policy";
import { resolveClientIp, type TrustProxy } from "@/server/security/trust-proxy";

type NodeBindings = { incoming?: { socket?: { remoteAddress?: string } } };

/**
 * Decides the client address once per request, from the socket and the hops TRUST_PROXY
 * trusts (X-Forwarded-For read from the right). A client-sent copy of the internal header is
 * always discarded. Forwarded headers arriving while TRUST_PROXY is off mean a proxy stands in
 * front that PingPilot does not know about: every client then shares the proxy's address (and
 * its throttle bucket), so that is said once in the log.
 */
export function clientIp(trust: TrustProxy, logger: Logger): MiddlewareHandler<{ Variables: { clientIp: string } }> {
  let warned = false;
  return async (c, next) => {
    const forwardedFor = c.req.header("x-forwarded-for");
    const peer = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
    if (trust.mode === "off" && !warned && (forwardedFor || c.req.header("forwarded") || c.req.header("x-real-ip"))) {
      warned = true;
      logger.warn(
        { peer },
        "requests arrive with X-Forwarded-For while TRUST_PROXY is off: every client behind that proxy shares its address and throttle. Behind one reverse proxy on this host set TRUST_PROXY=1 (or the proxy's addresses, e.g. TRUST_PROXY=127.0.0.1)",
      );
    }
    const ip = resolveClientIp(trust, peer, forwardedFor);
    c.set("clientIp", ip);
    c.req.raw.headers.delete(CLIENT_IP_HEADER);
    c.req.raw.headers.set(CLIENT_IP_HEADER, ip);
    await next();
  };
}
