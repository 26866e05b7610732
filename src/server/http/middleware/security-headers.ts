import type { MiddlewareHandler } from "hono";

/**
 * API responses are JSON: never framed, sniffed or given a document context. A fixed set of
 * headers computed once (the public API is the hot path; hono/secure-headers rebuilds a
 * dozen per request).
 */
export function apiSecurityHeaders(https: boolean): MiddlewareHandler {
  const headers = apiSecurityHeaderList(https);
  return async (c, next) => {
    for (const [name, value] of headers) c.header(name, value);
    await next();
  };
}

/** The headers of every API answer (also set by the ingest route itself, which skips the middleware). */
export function apiSecurityHeaderList(https: boolean): [string, string][] {
  return [
    ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ...(https ? ([["Strict-Transport-Security", "max-age=63072000; includeSubDomains"]] as [string, string][]) : []),
  ];
}
