import { NextResponse, type NextRequest } from "next/server";
import { signInUrlFor } from "@/shared/safe-redirect";
import { PATH_HEADER, SESSION_COOKIE_NAMES } from "@/shared/auth-cookies";

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
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/dashboard", "/dashboard/:path*", "/welcome"] };
