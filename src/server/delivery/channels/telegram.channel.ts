/**
 * Telegram message from the server's bot, to the chat linked with `/start <code>`.
 * HTML parse mode: every user value is escaped, and the message is fitted to Telegram's 4,096
 * characters by cutting the raw values before they are escaped, so no tag or entity is cut.
 */
import { escapeHtml } from "@/server/mail/templates";
import { outcomeOf, type Channel, type Notification } from "./channel";
import { fieldEntries, fitDescriptionAndFields, fitEscaped, linkableUrl, moreFieldsLabel, normalizedColor, notificationTitle } from "./notification-format";

/** Written only by the server, when the bot receives `/start <code>` from the chat (never by the settings form). */
export type TelegramConfig = { chatId?: string; username?: string };

/** https://core.telegram.org/bots/api#sendmessage */
export const TELEGRAM_TEXT_LIMIT = 4096;

export const telegramChannel: Channel<TelegramConfig> = {
  name: "telegram",
  async send(notification, config, ctx) {
    const token = ctx.telegram.botToken;
    if (!token) return { kind: "permanent", error: "Telegram bot is not configured on this server (TELEGRAM_BOT_TOKEN)" };
    if (!config.chatId) return { kind: "permanent", error: "Telegram is not linked yet" };
    const res = await ctx.fetch(`${ctx.telegram.apiUrl}/bot${token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: config.chatId, text: telegramText(notification), parse_mode: "HTML", disable_web_page_preview: true }),
    });
    return outcomeOf(res, ctx, telegramReason);
  },
};

/**
 * `<b>🐛 Bug</b>\n{description}\n\n<b>name</b>: value\n…\nColour: #RRGGBB\n<a href>Open in PingPilot</a>`,
 * at most 4,096 characters as sent (so also after Telegram parses the entities).
 */
export function telegramText(notification: Notification) {
  const head = `<b>${fitEscaped(notificationTitle(notification.category), 256, escapeHtml)}</b>`;
  const tail = [
    notification.test ? "<i>This is a test notification from PingPilot.</i>" : undefined,
    `Colour: ${normalizedColor(notification.category.color)}`,
    // Telegram drops a link to a dotless host (http://localhost:3000): then the address as text.
    linkableUrl(notification.eventUrl) ? `<a href="${escapeHtml(notification.eventUrl)}">Open in PingPilot</a>` : `Open in PingPilot: ${escapeHtml(notification.eventUrl)}`,
  ]
    .filter(Boolean)
    .join("\n");
  // Separators: "\n" after the head, "\n\n" after the description, "\n" before the tail.
  const budget = TELEGRAM_TEXT_LIMIT - head.length - tail.length - 4;
  const { description, fieldLines } = fitDescriptionAndFields({
    budget,
    description: notification.description,
    fields: fieldEntries(notification),
    renderDescription: (raw, max) => fitEscaped(raw, max, escapeHtml),
    renderField: (name, value) => `<b>${fitEscaped(name, 256, escapeHtml)}</b>: ${fitEscaped(value, 1024, escapeHtml)}`,
    renderMore: (count) => `<i>${moreFieldsLabel(count)}</i>`,
  });
  const body = [description, fieldLines.join("\n")].filter(Boolean).join("\n\n");
  return [head, body, tail].filter(Boolean).join("\n");
}

/** Telegram errors are `{ ok: false, error_code, description }`; the description is the reason. */
function telegramReason(body: string) {
  try {
    const json = JSON.parse(body) as { description?: unknown };
    return typeof json.description === "string" ? json.description : undefined;
  } catch {
    return undefined;
  }
}
