import type { Db } from "@/server/db/db";
import { createHash, randomBytes } from "node:crypto";
import type { Env } from "@/env";
import { AppError } from "@/server/errors";
import { findCategoryById } from "@/server/category/category.queries";
import { CHANNEL_NAMES, type ChannelName } from "@/server/delivery/channels/channel";
import { channelConfigSchemas, CHANNEL_LABELS } from "@/shared/notification";
import { consumeTelegramLink, deleteOptOut, findChannelRow, insertOptOut, insertTelegramLink, listChannelRows, listOptOuts, upsertChannelRow } from "./notification.queries";
import { generateWebhookSecret } from "@/server/delivery/channels/webhook.channel";

/** Merges `patch` into a channel's saved config (creating the row, disabled, if there is none). */
export async function updateChannelConfig(db: Db, userId: string, channel: string, patch: Record<string, unknown>) {
  const row = await findChannelRow(db, userId, channel);
  const config = { ...(row ? (JSON.parse(row.config) as Record<string, unknown>) : {}), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete config[k];
  await upsertChannelRow(db, { userId, channel, enabled: row ? Boolean(row.enabled) : false, config });
}


/** Why a channel cannot send on this server, if it cannot. */
export function serverProblem(channel: ChannelName, env: Env, mailMode: "smtp" | "dev-mailbox"): string | null {
  if (channel === "discord_dm" && !env.DISCORD_BOT_TOKEN) return "The server has no Discord bot (DISCORD_BOT_TOKEN).";
  if (channel === "telegram" && !env.TELEGRAM_BOT_TOKEN) return "The server has no Telegram bot (TELEGRAM_BOT_TOKEN).";
  if (channel === "whatsapp" && (!env.WHATSAPP_TOKEN || !env.WHATSAPP_PHONE_NUMBER_ID)) return "The server has no WhatsApp sender (WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID).";
  if (channel === "email" && mailMode === "dev-mailbox") return "SMTP_URL is not set: mail goes to the local dev mailbox.";
  return null;
}

export async function listChannelSettings(db: Db, userId: string, env: Env, mailMode: "smtp" | "dev-mailbox") {
  const rows = new Map((await listChannelRows(db, userId)).map((r) => [r.channel, r]));
  const optOuts = await listOptOuts(db, userId);
  return CHANNEL_NAMES.map((channel) => {
    const row = rows.get(channel);
    return {
      channel,
      label: CHANNEL_LABELS[channel],
      enabled: Boolean(row?.enabled),
      config: row ? (JSON.parse(row.config) as Record<string, unknown>) : {},
      serverProblem: serverProblem(channel, env, mailMode),
      optedOutCategoryIds: optOuts.filter((o) => o.channel === channel).map((o) => o.category_id),
    };
  });
}

/** Saves a channel's settings after validating them; the webhook gets its signing secret here. */
export async function saveChannelSettings(
  db: Db,
  user: { id: string; emailVerified: boolean },
  env: Env,
  input: { channel: ChannelName; enabled: boolean; config: Record<string, unknown> },
) {
  const schema = channelConfigSchemas(env.ALLOW_INSECURE_WEBHOOK_URLS)[input.channel];
  const parsed = schema.safeParse(input.config);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", parsed.error.issues[0]!.message, parsed.error.issues);
  if (input.channel === "email" && input.enabled && !user.emailVerified) {
    throw new AppError("VALIDATION_FAILED", "Confirm your email address first: follow the link we sent you (or resend it from your profile).");
  }
  const existing = (await listChannelRows(db, user.id)).find((r) => r.channel === input.channel);
  const saved = existing ? (JSON.parse(existing.config) as Record<string, unknown>) : {};
  const config: Record<string, unknown> = { ...saved, ...parsed.data };
  if (input.channel === "webhook" && !config.secret) config.secret = generateWebhookSecret();
  if (input.channel === "discord_dm" && saved.discordUserId !== config.discordUserId) delete config.dmChannelId;
  if (input.channel === "telegram" && input.enabled && !config.chatId) {
    throw new AppError("VALIDATION_FAILED", "Link Telegram first: send the /start code to the bot.");
  }
  await upsertChannelRow(db, { userId: user.id, channel: input.channel, enabled: input.enabled, config });
}

export async function setCategoryOptOut(db: Db, userId: string, channel: ChannelName, categoryId: string, optedOut: boolean) {
  if (!(await findCategoryById(db, userId, categoryId))) throw new AppError("NOT_FOUND", "Category not found.");
  if (optedOut) await insertOptOut(db, userId, channel, categoryId);
  else await deleteOptOut(db, userId, channel, categoryId);
}

const TELEGRAM_CODE_TTL_MS = 15 * 60 * 1000;
const hashCode = (code: string) => createHash("sha256").update(code).digest("hex");

/** A one-time code the user sends to the bot as `/start <code>`; only its hash is stored. */
export async function createTelegramLinkCode(db: Db, userId: string, now: Date) {
  const code = randomBytes(9).toString("base64url");
  const expiresAt = new Date(now.getTime() + TELEGRAM_CODE_TTL_MS);
  await insertTelegramLink(db, { codeHash: hashCode(code), userId, expiresAt: expiresAt.toISOString() });
  return { code, command: `/start ${code}`, expiresAt: expiresAt.toISOString() };
}

/** Redeems a link code once: the chat becomes the user's Telegram channel, enabled. */
export async function redeemTelegramLinkCode(db: Db, code: string, chat: { id: string; username?: string }, now: Date) {
  const link = await consumeTelegramLink(db, hashCode(code), now.toISOString());
  if (!link) return false;
  await upsertChannelRow(db, { userId: link.user_id, channel: "telegram", enabled: true, config: { chatId: chat.id, username: chat.username } });
  return true;
}
