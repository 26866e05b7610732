import { secureHeaders } from "hono/secure-headers";

/** API responses never need to be framed, sniffed or cached by intermediaries. */
export function apiSecurityHeaders(https: boolean) {
  return secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    strictTransportSecurity: https ? "max-age=63072000; includeSubDomains" : false,
    xFrameOptions: "DENY",
    referrerPolicy: "strict-origin-when-cross-origin",
  });
}
