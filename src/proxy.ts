import { NextResponse, type NextRequest } from "next/server";
import { signInUrlFor } from "@/shared/safe-redirect";
import { PATH_HEADER, SESSION_COOKIE_NAMES, WORKSPACE_COOKIE, WORKSPACE_PARAM } from "@/shared/auth-cookies";

/**
 * Fast path of page protection: no session cookie → straight to sign-in with the deep link.
 * The authoritative check (is the session valid?) is requireUser() in the layouts.
 */
export function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname + request.nextUrl.search;
  const hasCookie = SESSION_COOKIE_NAMES.some((name) => request.cookies.has(name));
  if (!hasCookie) return NextResponse.redirect(new URL(signInUrlFor(path), request.url));
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  const response = NextResponse.next({ request: { headers } });
  // A link that names a workspace makes it the one the app opens next time too. Only a slug is
  // stored; the server uses it only for a workspace the user belongs to. Readable by the page's
  // script on purpose: a focused tab re-asserts its own workspace (lib/current-workspace.tsx).
  const workspace = request.nextUrl.searchParams.get(WORKSPACE_PARAM);
  if (workspace && /^[a-z0-9-]{1,64}$/.test(workspace)) {
    response.cookies.set(WORKSPACE_COOKIE, workspace, { path: "/", httpOnly: false, sameSite: "lax", secure: request.nextUrl.protocol === "https:", maxAge: 60 * 60 * 24 * 365 });
  }
  return response;
}

export const config = { matcher: ["/dashboard", "/dashboard/:path*", "/welcome", "/admin", "/admin/:path*"] };
