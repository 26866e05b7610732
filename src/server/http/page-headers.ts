import type { ServerResponse } from "node:http";

/**
 * Security headers for every page Next.js renders (the Hono app sets its own for /api).
 * Script sources are not restricted here: Next.js inlines its bootstrap scripts.
 */
export function pageSecurityHeaders(https: boolean): Record<string, string> {
  return {
    "Content-Security-Policy": "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    ...(https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

export function applyHeaders(res: ServerResponse, headers: Record<string, string>) {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}
