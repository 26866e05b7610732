/** Better Auth's session cookie (advanced.cookiePrefix "pingpilot"); `__Secure-` on HTTPS. */
export const SESSION_COOKIE_NAMES = ["pingpilot.session_token", "__Secure-pingpilot.session_token"] as const;
/** Request header the proxy sets so server components know the page's path + query. */
export const PATH_HEADER = "x-pingpilot-path";
