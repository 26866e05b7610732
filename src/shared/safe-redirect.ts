/**
 * `redirect_url` may only name a path on this site. Anything else — another
 * origin, protocol-relative `//evil`, `/\evil`, `javascript:`, control characters, or an
 * encoded form of any of these — falls back to the dashboard.
 */
export const DEFAULT_AFTER_SIGN_IN = "/dashboard";
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters (CR/LF header injection) is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f\\]/;

export function safeRedirectPath(raw: string | null | undefined, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (!raw || raw.length > 2048) return fallback;
  let decoded = raw;
  for (let i = 0; i < 3; i++) {
    if (UNSAFE_CHARS.test(decoded) || !decoded.startsWith("/") || decoded.startsWith("//")) return fallback;
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) break;
    decoded = next;
  }
  if (UNSAFE_CHARS.test(decoded) || decoded.startsWith("//")) return fallback;
  const base = "http://pingpilot.invalid";
  const url = new URL(raw, base);
  if (url.origin !== base) return fallback;
  // Never send the user back to an auth page (a loop), always somewhere useful.
  if (/^\/(sign-in|sign-up)(\/|$)/.test(url.pathname)) return fallback;
  return url.pathname + url.search + url.hash;
}

/** `/sign-in?redirect_url=<path+query>` for a protected page the visitor could not open. */
export const signInUrlFor = (pathWithQuery: string) => `/sign-in?redirect_url=${encodeURIComponent(pathWithQuery)}`;
