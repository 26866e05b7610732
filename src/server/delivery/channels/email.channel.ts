/**
 * Email: an HTML part with every value escaped and a plain-text part, through the
 * server's mailer. Only a verified address receives mail; the worker passes it as `recipient`.
 */
import { escapeHtml } from "@/server/mail/templates";
import type { Channel, Notification } from "./channel";
import { fieldEntries, fitText, normalizedColor, notificationTitle, singleLine } from "./notification-format";

export type EmailConfig = {
  /** Filled by the worker from the account (or the other verified address); not stored with the channel. */
  recipient?: { address: string; verified: boolean };
};

export const EMAIL_SUBJECT_LIMIT = 200;

export const emailChannel: Channel<EmailConfig> = {
  name: "email",
  async send(notification, config, ctx) {
    if (!config.recipient?.address) return { kind: "permanent", error: "No email address to send to" };
    if (!config.recipient.verified) return { kind: "permanent", error: "Email address not verified yet" };
    try {
      await ctx.mailer.send({ to: config.recipient.address, ...emailMessage(notification) });
      return { kind: "delivered" };
    } catch (err) {
      // A 5xx SMTP reply (unknown mailbox, refused, too large) will not change by retrying;
      // 4xx replies (greylisting, mailbox busy) and connection errors usually do.
      const { responseCode, response, message } = err as { responseCode?: unknown; response?: unknown; message?: unknown };
      const error = String(response ?? message ?? err).slice(0, 300);
      if (typeof responseCode === "number" && responseCode >= 500) return { kind: "permanent", statusCode: responseCode, error };
      return { kind: "retry", ...(typeof responseCode === "number" ? { statusCode: responseCode } : {}), error };
    }
  },
};

export function emailMessage(notification: Notification) {
  const title = notificationTitle(notification.category);
  const subject = fitText(singleLine(notification.description.trim() ? `[PingPilot] ${title}: ${notification.description}` : `[PingPilot] ${title}`), EMAIL_SUBJECT_LIMIT);
  const fields = fieldEntries(notification);
  const occurred = Number.isFinite(Date.parse(notification.occurredAt)) ? new Date(notification.occurredAt).toISOString() : notification.occurredAt;
  const testNote = notification.test ? "This is a test notification from PingPilot." : undefined;

  const text = [
    title,
    notification.description,
    fields.map(([name, value]) => `${name}: ${value}`).join("\n"),
    `Open in PingPilot: ${notification.eventUrl}\nOccurred at ${occurred}`,
    testNote,
    "— PingPilot",
  ]
    .filter(Boolean)
    .join("\n\n");

  const e = escapeHtml;
  const rows = fields
    .map(
      ([name, value]) =>
        `<tr><th style="text-align:left;vertical-align:top;padding:4px 16px 4px 0;color:#555;font-weight:600">${e(name)}</th><td style="padding:4px 0;white-space:pre-wrap">${e(value)}</td></tr>`,
    )
    .join("\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
<div style="border-left:4px solid ${e(normalizedColor(notification.category.color))};padding:4px 0 4px 16px">
<h2 style="margin:0 0 8px;font-size:18px">${e(title)}</h2>
${notification.description ? `<p style="margin:0 0 12px;white-space:pre-wrap">${e(notification.description)}</p>` : ""}
${rows ? `<table style="border-collapse:collapse;font-size:14px">\n${rows}\n</table>` : ""}
</div>
<p><a href="${e(notification.eventUrl)}" style="display:inline-block;padding:10px 16px;background:#4f46e5;color:#fff;border-radius:6px;text-decoration:none">Open in PingPilot</a></p>
<p style="color:#555;font-size:13px">Occurred at ${e(occurred)}${testNote ? `<br>${e(testNote)}` : ""}</p>
</body></html>`;
  return { subject, text, html };
}
