import { Hono } from "hono";
import { listDevMail } from "@/server/mail/mail.queries";
import { escapeHtml } from "@/server/mail/templates";
import type { Services } from "@/server/services";
import { isLoopback } from "../middleware/client-ip";

type Vars = { Variables: { clientIp: string } };

/**
 * The local dev mailbox (SMTP_URL unset): mails PingPilot would have sent, readable only
 * from this machine. Behind a proxy (TRUST_PROXY) the forwarded client address decides.
 */
export function devMailboxRoutes(s: Services) {
  const app = new Hono<Vars>();
  app.use("*", async (c, next) => {
    if (s.mailer.mode !== "dev-mailbox" || !isLoopback(c.get("clientIp"))) return c.notFound();
    await next();
  });
  app.get("/", async (c) => {
    const mails = await listDevMail(s.db);
    const linkify = (text: string) => escapeHtml(text).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>');
    const items = mails
      .map(
        (m) => `<article><h2>${escapeHtml(m.subject)}</h2><p class="meta">to ${escapeHtml(m.to_address)} · ${escapeHtml(String(m.created_at))}</p><pre>${linkify(m.text_body)}</pre></article>`,
      )
      .join("");
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Dev mailbox · PingPilot</title>
<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#111}article{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}h2{font-size:1.05rem;margin:0}.meta{color:#666;font-size:.85rem}pre{white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>Dev mailbox</h1><p>SMTP_URL is not set, so PingPilot keeps its mail here. Newest first.</p>${items || "<p>No mail yet.</p>"}</body></html>`);
  });
  app.get("/messages.json", async (c) => c.json(await listDevMail(s.db)));
  return app;
}
