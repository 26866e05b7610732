import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { redeemTelegramLinkCode } from "@/server/notification/notification.service";
import type { Services } from "@/server/services";
import { readBodyText } from "../../read-body";

type TelegramUpdate = { message?: { text?: string; chat?: { id?: number | string; username?: string } } };

const sameSecret = (given: string | undefined, expected: string) => {
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * The Telegram bot's webhook (setWebhook with secret_token = TELEGRAM_WEBHOOK_SECRET). Telegram
 * proves itself with X-Telegram-Bot-Api-Secret-Token; `/start <code>` links the chat to the
 * account whose one-time code it is.
 */
export function telegramWebhookRoutes(s: Services) {
  const app = new Hono();
  app.post("/", async (c) => {
    const secret = s.env.TELEGRAM_WEBHOOK_SECRET;
    if (!secret || !s.env.TELEGRAM_BOT_TOKEN) return c.json({ error: { code: "NOT_FOUND", message: "Telegram is not configured." } }, 404);
    if (!sameSecret(c.req.header("x-telegram-bot-api-secret-token"), secret)) {
      return c.json({ error: { code: "UNAUTHENTICATED", message: "Wrong or missing secret token." } }, 401);
    }
    let update: TelegramUpdate;
    try {
      update = JSON.parse(await readBodyText(c, 64 * 1024)) as TelegramUpdate;
    } catch {
      return c.json({ ok: true }); // not an update we understand; Telegram must not retry it
    }
    const text = update.message?.text?.trim() ?? "";
    const chatId = update.message?.chat?.id;
    const match = /^\/start(?:@\w+)?\s+(\S+)$/.exec(text);
    if (!match || chatId === undefined) return c.json({ ok: true });
    // The chat is the one Telegram (proven by the secret token) says sent the code; nothing else can set it.
    if (!/^-?\d{1,20}$/.test(String(chatId))) return c.json({ ok: true });
    const username = update.message?.chat?.username;
    const linked = await redeemTelegramLinkCode(s.db, match[1]!, { id: String(chatId), username: typeof username === "string" && /^\w{1,64}$/.test(username) ? username : undefined }, s.clock());
    const reply = linked ? "✅ Linked. PingPilot will send your notifications to this chat." : "This link code is not valid any more. Create a new one in PingPilot under Settings → Notifications.";
    await fetch(`${s.env.TELEGRAM_API_URL}/bot${s.env.TELEGRAM_BOT_TOKEN}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: chatId, text: reply }),
      signal: AbortSignal.timeout(10_000),
    }).catch((err: unknown) => s.logger.warn({ err }, "telegram reply failed"));
    return c.json({ ok: true });
  });
  return app;
}
