import { Hono, type Context } from "hono";
import type { Services } from "@/server/services";
import { MAX_EMAIL_LENGTH } from "@/server/security/throttle";
import { sendError } from "../error-envelope";

type Vars = { Variables: { clientIp: string } };

/**
 * How an endpoint that checks a credential or sends mail is throttled. Every request counts
 * against the client address. Against the account: `email` is the address in the body,
 * `session` the signed-in user's (a stolen session must not give unlimited guesses), `none`
 * when the request names no account (the token or OAuth code is the credential). `failures`:
 * only refused attempts count (a password check); `every`: each request counts (it mails).
 */
type Rule = { account: "email" | "session" | "none"; counts: "failures" | "every" };

const POST_RULES: Record<string, Rule> = {
  "/api/auth/sign-in/email": { account: "email", counts: "failures" },
  // Mails every time: a verification link to a new address, a notice to an existing one.
  "/api/auth/sign-up/email": { account: "email", counts: "every" },
  "/api/auth/sign-in/magic-link": { account: "email", counts: "every" },
  "/api/auth/request-password-reset": { account: "email", counts: "every" },
  "/api/auth/send-verification-email": { account: "email", counts: "every" },
  "/api/auth/change-email": { account: "session", counts: "every" },
  "/api/auth/change-password": { account: "session", counts: "failures" },
  "/api/auth/verify-password": { account: "session", counts: "failures" },
  "/api/auth/delete-user": { account: "session", counts: "failures" },
  "/api/auth/reset-password": { account: "none", counts: "every" },
  // An ID token in the body is checked here; otherwise it starts an OAuth redirect (generic OIDC too).
  "/api/auth/sign-in/social": { account: "none", counts: "every" },
};

const IP_ONLY: Rule = { account: "none", counts: "every" };

/**
 * Links from mails and OAuth callbacks: the token or code in the URL is the credential
 * (and following an email-change confirmation mails the new address). A trailing slash
 * marks a prefix.
 */
const LINK_PATHS = ["/api/auth/verify-email", "/api/auth/magic-link/verify", "/api/auth/reset-password/", "/api/auth/delete-user/callback", "/api/auth/callback/"];
const isLink = (path: string) => LINK_PATHS.some((p) => (p.endsWith("/") ? path.startsWith(p) : path === p));

function ruleFor(method: string, path: string): Rule | undefined {
  if (method === "POST" && POST_RULES[path]) return POST_RULES[path];
  // OAuth providers may answer with a form POST to the callback.
  return isLink(path) ? IP_ONLY : undefined;
}

const isJson = (request: Request) => /^application\/json\s*(;|$)/i.test(request.headers.get("content-type") ?? "");

/**
 * The `email` of a JSON body, without consuming the request Better Auth reads. JSON only (the
 * route refuses other bodies for these endpoints): read another way (form fields, a repeated
 * field, an odd content type) the throttle could count one address while Better Auth acts on
 * another. JSON.parse and Better Auth agree on duplicate keys (the last one wins).
 */
async function emailOf(request: Request) {
  try {
    const email = ((await request.clone().json()) as { email?: unknown } | null)?.email;
    return typeof email === "string" ? email.trim().toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

async function accountOf(s: Services, rule: Rule, request: Request) {
  if (rule.account === "email") return emailOf(request);
  if (rule.account === "session") {
    // Read-only: the endpoint itself slides the session (and sets its cookie) if due.
    const session = await s.auth.api.getSession({ headers: request.headers, query: { disableRefresh: true } }).catch(() => null);
    return session?.user.email.toLowerCase();
  }
  return undefined;
}

function tooMany(c: Context, wait: number) {
  c.header("Retry-After", String(wait));
  return sendError(c, 429, "RATE_LIMITED", `Too many attempts. Try again in ${wait} seconds.`);
}

/**
 * /api/auth/* is Better Auth, behind per-IP and per-account throttling:
 * every endpoint that checks a credential or sends mail. A successful email sign-in clears
 * the account's counter.
 */
export function authRoutes(s: Services) {
  const app = new Hono<Vars>();
  app.on(["GET", "POST"], "/*", async (c) => {
    const request = c.req.raw;
    const rule = ruleFor(request.method, c.req.path);
    if (!rule) return s.auth.handler(request);

    const ip = c.get("clientIp");
    if (rule.account === "email" && !isJson(request)) {
      return sendError(c, 415, "BAD_REQUEST", "Send the body as JSON with Content-Type: application/json.");
    }
    const account = await accountOf(s, rule, request);
    // Refused before it becomes a key, so junk cannot fill the throttle's memory.
    if (account && account.length > MAX_EMAIL_LENGTH) {
      return sendError(c, 400, "INVALID_EMAIL", `The email address is longer than ${MAX_EMAIL_LENGTH} characters.`);
    }
    // Counted before the attempt runs (checked and counted in one step), so parallel requests
    // cannot all slip under the limit; a success that should not count is given back afterwards.
    const wait = await s.throttle.attempt(ip, account);
    if (wait > 0) return tooMany(c, wait);
    const response = await s.auth.handler(request);
    if (account && rule.counts === "failures" && response.status < 400) {
      if (c.req.path === "/api/auth/sign-in/email") await s.throttle.reset(account);
      else await s.throttle.refund(account);
    }
    return response;
  });
  return app;
}
