/** Better Auth's session cookie (advanced.cookiePrefix "pingpilot"); `__Secure-` on HTTPS. */
export const SESSION_COOKIE_NAMES = ["pingpilot.session_token", "__Secure-pingpilot.session_token"] as const;
/** Request header the proxy sets so server components know the page's path + query. */
export const PATH_HEADER = "x-pingpilot-path";
/** The workspace the browser last opened (its slug); pages act in it unless the URL names another. */
export const WORKSPACE_COOKIE = "pingpilot.workspace";
/** Query parameter that names the workspace in links (notifications, mail, deep links). */
export const WORKSPACE_PARAM = "workspace";
/** Header the app's tRPC and live-update clients send: the id of the workspace their page shows. */
export const WORKSPACE_HEADER = "x-pingpilot-workspace";
