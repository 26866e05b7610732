import { Hono } from "hono";
import type { Services } from "@/server/services";
import { sendError } from "../error-envelope";

type Vars = { Variables: { clientIp: string } };

/** The auth endpoints an attacker would hammer: credential checks and mail senders. */
const THROTTLED = new Set([
  "/api/auth/sign-in/email",
  "/api/auth/sign-up/email",
  "/api/auth/sign-in/magic-link",
  "/api/auth/request-password-reset",
  "/api/auth/send-verification-email",
]);

/** Where only failures count against the account; every request to the others sends a mail, so each counts. */
const CREDENTIAL_CHECKS = new Set(["/api/auth/sign-in/email", "/api/auth/sign-up/email"]);

async function emailOf(request: Request) {
  try {
    const body = (await request.clone().json()) as { email?: unknown };
    return typeof body.email === "string" ? body.email.trim().toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * /api/auth/* is Better Auth, behind per-IP and per-account throttling (SPEC A11). Per IP
 * every attempt counts; per account, failed sign-ins/sign-ups and every mail-sending request
 * count, and a successful sign-in clears the account's counter.
 */
export function authRoutes(s: Services) {
  const app = new Hono<Vars>();
  app.on(["GET", "POST"], "/*", async (c) => {
    const request = c.req.raw;
    if (request.method === "POST" && THROTTLED.has(c.req.path)) {
      const ip = c.get("clientIp");
      const email = await emailOf(request);
      const wait = Math.max(s.throttle.ip.blockedFor(ip), email ? s.throttle.account.blockedFor(email) : 0);
      if (wait > 0) {
        c.header("Retry-After", String(wait));
        return sendError(c, 429, "RATE_LIMITED", `Too many attempts. Try again in ${wait} seconds.`);
      }
      s.throttle.ip.record(ip);
      const response = await s.auth.handler(request);
      if (email) {
        if (!CREDENTIAL_CHECKS.has(c.req.path) || !response.ok) s.throttle.account.record(email);
        else if (c.req.path === "/api/auth/sign-in/email") s.throttle.account.reset(email);
      }
      return response;
    }
    return s.auth.handler(request);
  });
  return app;
}
