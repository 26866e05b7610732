import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { isDevMailboxToken } from "@/server/mail/mailer";
import { escapeHtml } from "@/server/mail/templates";
import type { Services } from "@/server/services";

/**
 * The local dev mailbox (SMTP_URL unset): mails PingPilot would have sent, magic and reset
 * links included, so reading it is signing in as anyone. It opens only with the token drawn at
 * start and printed in the start log (in the URL once, then in a cookie scoped to this path);
 * the client address never counts, since behind a proxy on this host everyone is 127.0.0.1.
 * Without the token it answers like any unknown route.
 */
export function devMailboxRoutes(s: Services) {
  const app = new Hono();
  const https = s.env.APP_URL.startsWith("https://");
  const cookie = https ? "__Secure-pingpilot.dev_mailbox" : "pingpilot.dev_mailbox";
  // Not cached, not framed, and the page's links (sign-in links) leave no Referer behind.
  const headers: [string, string][] = [
    ["Cache-Control", "no-store"],
    ["Referrer-Policy", "no-referrer"],
    ["Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["X-Robots-Tag", "noindex"],
    ...(https ? ([["Strict-Transport-Security", "max-age=63072000; includeSubDomains"]] as [string, string][]) : []),
  ];

  app.use("*", async (c, next) => {
    // Read per request: tests (and nothing else) swap the mailer.
    const mailer = s.mailer;
    const fromUrl = c.req.query("token");
    if (isDevMailboxToken(mailer, fromUrl)) {
      setCookie(c, cookie, fromUrl!, { path: "/dev/mailbox", httpOnly: true, sameSite: "Lax", secure: https });
    } else if (!isDevMailboxToken(mailer, getCookie(c, cookie))) {
      return c.notFound();
    }
    await next();
    for (const [name, value] of headers) c.res.headers.set(name, value);
  });

  // Only a dev-mailbox mailer passes the check above; the guard keeps the types honest.
  const inbox = async () => (s.mailer.mode === "dev-mailbox" ? s.mailer.inbox() : []);

  app.get("/", async (c) => {
    // Out of the address bar and history: the cookie carries it from here on.
    if (c.req.query("token") !== undefined) return c.redirect(c.req.path, 303);
    const mails = await inbox();
    const linkify = (text: string) => escapeHtml(text).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>');
    const items = mails
      .map((m) => `<article><h2>${escapeHtml(m.subject)}</h2><p class="meta">to ${escapeHtml(m.to_address)} · ${escapeHtml(String(m.created_at))}</p><pre>${linkify(m.text_body)}</pre></article>`)
      .join("");
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>Dev mailbox · PingPilot</title>
<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#111}article{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}h2{font-size:1.05rem;margin:0}.meta{color:#666;font-size:.85rem}pre{white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>Dev mailbox</h1><p>SMTP_URL is not set, so PingPilot keeps its mail here. Newest first. Anyone with this page can sign in as these recipients: do not share its link.</p>${items || "<p>No mail yet.</p>"}</body></html>`);
  });
  app.get("/messages.json", async (c) => c.json(await inbox()));
  return app;
}
