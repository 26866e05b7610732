import { z } from "zod";
import type { Db } from "@/server/db/db";
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { Env } from "@/env";
import { AppError } from "@/server/errors";
import { findCategoryById } from "@/server/category/category.queries";
import { CHANNEL_NAMES, type ChannelName, channelConfigSchemas, CHANNEL_LABELS, discordUserId as discordUserIdSchema, isDestinationChannel } from "@/shared/notification";
import { workspaceLink } from "@/shared/workspace-link";
import { hasRole, requireRole, type WorkspaceAccess } from "@/server/workspace/workspace.service";
import { newId } from "@/server/db/id";
import { discordBotPost, discordReason, openDiscordDmChannel } from "@/server/delivery/channels/discord-api";
import { isDiscordIdVerified, type DiscordDmConfig } from "@/server/delivery/channels/discord-dm.channel";
import {
  consumeTelegramLink,
  deleteDiscordVerification,
  deleteOptOut,
  findChannelRow,
  findLiveDiscordVerification,
  insertDiscordVerification,
  insertOptOut,
  insertTelegramLink,
  listChannelRows,
  listDiscordVerificationsSince,
  listOptOuts,
  retireDiscordVerifications,
  retireTelegramLinks,
  setDiscordVerificationDmChannel,
  spendDiscordVerificationAttempt,
  upsertChannelRow,
  markDiscordVerificationUsed,
  type ChannelOwner,
} from "./notification.queries";
import { generateWebhookSecret } from "@/server/delivery/channels/webhook.channel";
import { checkUserUrl, isUserUrlChannel, userUrlPolicy } from "@/server/delivery/channels/user-url";
import { channelConfigFor, channelContext, sendVia } from "@/server/delivery/delivery.service";
import type { Services } from "@/server/services";

/** Merges `patch` into a channel's saved config (creating the row, disabled, if there is none). */
export async function updateChannelConfig(db: Db, owner: ChannelOwner, channel: string, patch: Record<string, unknown>, now: Date) {
  const row = await findChannelRow(db, owner, channel);
  const config = { ...(row ? (JSON.parse(row.config) as Record<string, unknown>) : {}), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete config[k];
  await upsertChannelRow(db, owner, { channel, enabled: row ? Boolean(row.enabled) : false, config }, now.toISOString());
}

/**
 * Whose row a channel is in the workspace being viewed: a destination is the workspace's and
 * only its owners and admins change it; a personal channel is the member's own.
 */
function channelOwner(ws: WorkspaceAccess, channel: ChannelName, change: boolean): ChannelOwner {
  if (!isDestinationChannel(channel)) return { userId: ws.userId };
  if (change) requireRole(ws, "admin");
  return { workspaceId: ws.id };
}

/** Why a channel cannot send on this server, if it cannot. */
export function serverProblem(channel: ChannelName, env: Env, mailMode: "smtp" | "dev-mailbox" | "off"): string | null {
  if (channel === "discord_dm" && !env.DISCORD_BOT_TOKEN) return "The server has no Discord bot (DISCORD_BOT_TOKEN).";
  if (channel === "telegram" && !env.TELEGRAM_BOT_TOKEN) return "The server has no Telegram bot (TELEGRAM_BOT_TOKEN).";
  if (channel === "whatsapp" && (!env.WHATSAPP_TOKEN || !env.WHATSAPP_PHONE_NUMBER_ID)) return "The server has no WhatsApp sender (WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID).";
  if (channel === "email" && mailMode === "dev-mailbox") return "SMTP_URL is not set: mail goes to the local dev mailbox.";
  if (channel === "email" && mailMode === "off") return "SMTP_URL is not set and the dev mailbox is off: no mail is sent.";
  return null;
}

/**
 * The settings page: the member's own channels (and their choice of this workspace's categories
 * for each), then the workspace's destinations, which only owners and admins may change.
 */
export async function listChannelSettings(db: Db, ws: WorkspaceAccess, env: Env, mailMode: "smtp" | "dev-mailbox" | "off", now: Date) {
  const personal: ChannelOwner = { userId: ws.userId };
  const workspace: ChannelOwner = { workspaceId: ws.id };
  const rows = new Map([...(await listChannelRows(db, personal)).filter((r) => !isDestinationChannel(r.channel)), ...(await listChannelRows(db, workspace))].map((r) => [r.channel, r]));
  const optOuts = [...(await listOptOuts(db, personal, ws.id)).filter((o) => !isDestinationChannel(o.channel)), ...(await listOptOuts(db, workspace, ws.id))];
  const pending = await findLiveDiscordVerification(db, ws.userId, now.toISOString());
  return CHANNEL_NAMES.map((channel) => {
    const row = rows.get(channel);
    const scope = isDestinationChannel(channel) ? ("workspace" as const) : ("personal" as const);
    const canChange = scope === "personal" || hasRole(ws, "admin");
    // A destination's URL and signing secret are for those who manage it, not every member.
    const config = row && canChange ? (JSON.parse(row.config) as Record<string, unknown>) : {};
    return {
      channel,
      label: CHANNEL_LABELS[channel],
      scope,
      canChange,
      configured: Boolean(row),
      enabled: Boolean(row?.enabled),
      config,
      serverProblem: serverProblem(channel, env, mailMode),
      optedOutCategoryIds: optOuts.filter((o) => o.channel === channel).map((o) => o.category_id),
      ...(channel === "discord_dm" && {
        discord: {
          /** With Discord sign-in configured, the ID comes only from the connected Discord account. */
          idFromSignIn: Boolean(env.oauth.discord),
          verified: isDiscordIdVerified(config as DiscordDmConfig),
          pending: pending && pending.attempts < DISCORD_CODE_MAX_ATTEMPTS ? { discordUserId: pending.discord_user_id, expiresAt: toIso(pending.expires_at) } : null,
        },
      }),
    };
  });
}

const toIso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

/** Keys the server alone writes, and where they come from: named when a client sends one. */
const SERVER_OWNED_KEYS: Record<string, string> = {
  chatId: "the Telegram chat is linked only by sending the one-time /start code to the bot",
  username: "the Telegram chat is linked only by sending the one-time /start code to the bot",
  dmChannelId: "PingPilot opens the Discord DM channel itself",
  secret: "PingPilot generates the webhook's signing secret",
  verified: "a Discord user ID is verified only by the code the bot sends to it, or by signing in with Discord",
  verifiedDiscordUserId: "a Discord user ID is verified only by the code the bot sends to it, or by signing in with Discord",
  verifiedVia: "a Discord user ID is verified only by the code the bot sends to it, or by signing in with Discord",
};

/** What the settings form may set for a channel; with Discord sign-in, not even the Discord ID. */
function clientConfigSchema(channel: ChannelName, env: Env) {
  if (channel === "discord_dm" && env.oauth.discord) return z.object({});
  return channelConfigSchemas(env.ALLOW_INSECURE_WEBHOOK_URLS)[channel];
}

/** Refuses, by name, any key the form may not set: nothing is dropped silently. */
function refuseUnknownKeys(channel: ChannelName, env: Env, allowed: string[], config: Record<string, unknown>) {
  const unknown = Object.keys(config).filter((key) => !allowed.includes(key));
  if (unknown.length === 0) return;
  const key = unknown[0]!;
  const why =
    channel === "discord_dm" && key === "discordUserId" && env.oauth.discord
      ? "on this server the Discord user ID comes from your Discord account: connect it by signing in with Discord"
      : (SERVER_OWNED_KEYS[key] ?? `${CHANNEL_LABELS[channel]} has no setting of that name`);
  throw new AppError("VALIDATION_FAILED", `"${key}" cannot be set: ${why}.`, { unknownKeys: unknown });
}

/** Saves a channel's settings after validating them; the webhook gets its signing secret here. */
export async function saveChannelSettings(
  db: Db,
  ws: WorkspaceAccess,
  user: { emailVerified: boolean },
  env: Env,
  input: { channel: ChannelName; enabled: boolean; config: Record<string, unknown> },
  now: Date,
) {
  const schema = clientConfigSchema(input.channel, env);
  refuseUnknownKeys(input.channel, env, Object.keys(schema.shape), input.config);
  const parsed = schema.safeParse(input.config);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", parsed.error.issues[0]!.message, parsed.error.issues);
  if (input.channel === "email" && input.enabled && !user.emailVerified) {
    throw new AppError("VALIDATION_FAILED", "Confirm your email address first: follow the link we sent you (or resend it from your profile).");
  }
  const owner = channelOwner(ws, input.channel, true);
  const existing = await findChannelRow(db, owner, input.channel);
  const saved = existing ? (JSON.parse(existing.config) as Record<string, unknown>) : {};
  const config: Record<string, unknown> = { ...saved, ...parsed.data };
  // Turning off a channel whose saved URL a stricter setting now refuses must stay possible.
  if (isUserUrlChannel(input.channel) && (input.enabled || config.url !== saved.url)) {
    const problem = await checkUserUrl(input.channel, String(config.url), userUrlPolicy(env));
    if (problem) throw new AppError("VALIDATION_FAILED", problem, [{ path: ["url"], message: problem }]);
  }
  if (input.channel === "webhook" && !config.secret) config.secret = generateWebhookSecret();
  const discordIdChanged = input.channel === "discord_dm" && saved.discordUserId !== config.discordUserId;
  if (discordIdChanged) {
    // A new ID starts unproven: no DM channel, no verification.
    for (const key of ["dmChannelId", "verifiedDiscordUserId", "verifiedVia"]) delete config[key];
  }
  if (input.channel === "discord_dm" && input.enabled && !isDiscordIdVerified(config as DiscordDmConfig)) {
    throw new AppError(
      "VALIDATION_FAILED",
      env.oauth.discord
        ? "Connect your Discord account first: sign in with Discord, then turn this on."
        : "Verify your Discord user ID first: press “Send code” and type the code the PingPilot bot sends you on Discord.",
    );
  }
  if (input.channel === "telegram" && input.enabled && !config.chatId) {
    throw new AppError("VALIDATION_FAILED", "Link Telegram first: send the /start code to the bot.");
  }
  if (discordIdChanged) await retireDiscordVerifications(db, ws.userId, now.toISOString());
  await upsertChannelRow(db, owner, { channel: input.channel, enabled: input.enabled, config }, now.toISOString());
}

/** Whether events of one of the workspace's categories reach a channel (the member's own, or a destination). */
export async function setCategoryOptOut(db: Db, ws: WorkspaceAccess, channel: ChannelName, categoryId: string, optedOut: boolean) {
  const owner = channelOwner(ws, channel, true);
  if (!(await findCategoryById(db, ws.id, categoryId))) throw new AppError("NOT_FOUND", "Category not found.");
  if (optedOut) await insertOptOut(db, owner, channel, categoryId);
  else await deleteOptOut(db, owner, channel, categoryId);
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
  await upsertChannelRow(db, { userId: link.user_id }, { channel: "telegram", enabled: true, config: { chatId: chat.id, username: chat.username } }, now.toISOString());
  return true;
}

/** Unlinks the Telegram chat: the channel goes off, and no outstanding /start code can link one again. */
export async function unlinkTelegram(db: Db, userId: string, now: Date) {
  const row = await findChannelRow(db, { userId }, "telegram");
  await retireTelegramLinks(db, userId, now.toISOString());
  if (!row) return;
  const config = JSON.parse(row.config) as Record<string, unknown>;
  delete config.chatId;
  delete config.username;
  await upsertChannelRow(db, { userId }, { channel: "telegram", enabled: false, config }, now.toISOString());
}

/** A Discord sign-in proves the Discord ID: it becomes the DM channel's recipient, verified. */
export async function connectDiscordAccount(db: Db, userId: string, discordUserId: string, now: Date) {
  const row = await findChannelRow(db, { userId }, "discord_dm");
  const saved = row ? (JSON.parse(row.config) as Record<string, unknown>) : {};
  const config: Record<string, unknown> = { ...saved, discordUserId, verifiedDiscordUserId: discordUserId, verifiedVia: "discord" };
  if (saved.discordUserId !== discordUserId) delete config.dmChannelId;
  await upsertChannelRow(db, { userId }, { channel: "discord_dm", enabled: Boolean(row?.enabled), config }, now.toISOString());
}

const DISCORD_CODE_TTL_MS = 15 * 60 * 1000;
export const DISCORD_CODE_MAX_ATTEMPTS = 5;
export const DISCORD_CODES_PER_WINDOW = 3;
const DISCORD_CODE_WINDOW_MS = 10 * 60 * 1000;
const DISCORD_CODE_LENGTH = 8;
/** Crockford's base32: no I, L, O or U, so a code read off a screen is typed right. */
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DISCORD_TIMEOUT_MS = 10_000;

/** 8 characters of base32 from the CSPRNG: 40 bits, against at most 5 guesses per code. */
function generateDiscordCode() {
  let code = "";
  for (let i = 0; i < DISCORD_CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What the user typed, as the code was generated: case, spaces and dashes ignored, O/I/L read as 0/1. */
export function normalizeDiscordCode(input: string) {
  return input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

/** Keyed with the auth secret, so a copy of the database alone cannot test guesses offline. */
const hashDiscordCode = (secret: string, code: string) => createHmac("sha256", secret).update(`discord-verification:${code}`).digest("hex");

type DiscordVerificationDeps = { db: Db; env: Env; now: Date; fetch?: typeof fetch };

/**
 * Sends a one-time code to a typed Discord user ID through the bot (opening the DM channel with
 * that user). The ID becomes the channel's recipient only when the code comes back.
 */
export async function startDiscordVerification(deps: DiscordVerificationDeps, userId: string, input: { discordUserId: string }) {
  const { db, env, now } = deps;
  if (env.oauth.discord) {
    throw new AppError("VALIDATION_FAILED", "On this server your Discord user ID comes from your Discord account: sign in with Discord to connect it.");
  }
  const botToken = env.DISCORD_BOT_TOKEN;
  if (!botToken) throw new AppError("VALIDATION_FAILED", "The server has no Discord bot (DISCORD_BOT_TOKEN), so it cannot send you a code.");
  const parsed = discordUserIdSchema.safeParse(input.discordUserId);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", parsed.error.issues[0]!.message, parsed.error.issues);
  const discordUserId = parsed.data;

  // Written first and then counted, so parallel requests cannot slip past the limit together.
  const code = generateDiscordCode();
  const id = newId();
  const expiresAt = new Date(now.getTime() + DISCORD_CODE_TTL_MS);
  await insertDiscordVerification(db, { id, userId, discordUserId, codeHash: hashDiscordCode(env.AUTH_SECRET, code), createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
  const recent = await listDiscordVerificationsSince(db, userId, new Date(now.getTime() - DISCORD_CODE_WINDOW_MS).toISOString());
  if (!recent.slice(0, DISCORD_CODES_PER_WINDOW).some((r) => r.id === id)) {
    await deleteDiscordVerification(db, id);
    const freeAt = new Date(new Date(toIso(recent[0]!.created_at)).getTime() + DISCORD_CODE_WINDOW_MS);
    const minutes = Math.max(1, Math.ceil((freeAt.getTime() - now.getTime()) / 60_000));
    throw new AppError("RATE_LIMITED", `You asked for ${DISCORD_CODES_PER_WINDOW} codes in 10 minutes. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, {
      retryAfterSeconds: minutes * 60,
    });
  }
  await retireDiscordVerifications(db, userId, now.toISOString(), id);

  const doFetch: typeof fetch = (url, init) => (deps.fetch ?? fetch)(url, { ...init, signal: AbortSignal.timeout(DISCORD_TIMEOUT_MS) });
  const bot = { botToken, apiUrl: env.DISCORD_API_URL };
  const refused = async (res: Response) => {
    await retireDiscordVerifications(db, userId, now.toISOString());
    return new AppError("VALIDATION_FAILED", discordRefusal(res.status, discordReason(await res.text().catch(() => ""))));
  };
  try {
    const opened = await openDiscordDmChannel(bot, doFetch, discordUserId, env.APP_URL);
    if (!opened.ok) throw await refused(opened.res);
    const content = [
      `Your PingPilot verification code is **${code}**`,
      "Type it on the notification settings page within 15 minutes to get your notifications here.",
      "If you did not ask for it, ignore this message: nothing changes without the code.",
    ].join("\n");
    const sent = await discordBotPost(bot, doFetch, `/channels/${encodeURIComponent(opened.channelId)}/messages`, { content, allowed_mentions: { parse: [] } }, env.APP_URL);
    if (!sent.ok) throw await refused(sent);
    await setDiscordVerificationDmChannel(db, id, opened.channelId);
  } catch (error) {
    if (error instanceof AppError) throw error;
    await retireDiscordVerifications(db, userId, now.toISOString());
    throw new AppError("VALIDATION_FAILED", "Discord could not be reached to send your code. Try again in a minute.");
  }
  return { discordUserId, expiresAt: expiresAt.toISOString(), codeLength: DISCORD_CODE_LENGTH };
}

/** Discord's refusal, in words that say what the user can do about it. */
function discordRefusal(status: number, reason: string | undefined) {
  if (status === 403) return "The PingPilot bot cannot send you a direct message. Join a Discord server the bot is in and allow direct messages from its members, then try again.";
  if (status === 400 || status === 404) return `Discord does not know that user ID${reason ? ` (${reason})` : ""}. Copy it again from Discord.`;
  if (status === 429) return "Discord is rate-limiting the bot. Try again in a minute.";
  return `Discord refused to send the code: ${status}${reason ? ` ${reason}` : ""}. Try again later.`;
}

/** Confirms the code the bot DMed: the ID becomes the verified recipient and the channel turns on. */
export async function confirmDiscordVerification(deps: Omit<DiscordVerificationDeps, "fetch">, userId: string, input: { code: string }) {
  const { db, env, now } = deps;
  if (env.oauth.discord) {
    throw new AppError("VALIDATION_FAILED", "On this server your Discord user ID comes from your Discord account: sign in with Discord to connect it.");
  }
  const code = normalizeDiscordCode(input.code);
  if (code.length !== DISCORD_CODE_LENGTH || [...code].some((c) => !CODE_ALPHABET.includes(c))) {
    throw new AppError("VALIDATION_FAILED", `The code is ${DISCORD_CODE_LENGTH} letters and digits, as in the bot's message.`);
  }
  const iso = now.toISOString();
  const live = await findLiveDiscordVerification(db, userId, iso);
  if (!live) throw new AppError("VALIDATION_FAILED", "No code is waiting: it expired or was already used. Send a new code.");
  const attempt = await spendDiscordVerificationAttempt(db, live.id, iso, DISCORD_CODE_MAX_ATTEMPTS);
  if (!attempt) throw new AppError("RATE_LIMITED", "Too many wrong codes. Send a new code.");
  const given = Buffer.from(hashDiscordCode(env.AUTH_SECRET, code), "hex");
  const expected = Buffer.from(attempt.code_hash, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    const left = DISCORD_CODE_MAX_ATTEMPTS - attempt.attempts;
    throw new AppError(
      left > 0 ? "VALIDATION_FAILED" : "RATE_LIMITED",
      left > 0 ? `That code is not right. ${left} ${left === 1 ? "try" : "tries"} left.` : "That code is not right, and it was the last try. Send a new code.",
    );
  }
  if (!(await markDiscordVerificationUsed(db, live.id, iso))) throw new AppError("VALIDATION_FAILED", "That code was already used. Send a new code.");

  const row = await findChannelRow(db, { userId }, "discord_dm");
  const saved = row ? (JSON.parse(row.config) as Record<string, unknown>) : {};
  const discordUserId = attempt.discord_user_id;
  const config: Record<string, unknown> = { ...saved, discordUserId, verifiedDiscordUserId: discordUserId, verifiedVia: "code" };
  // The DM channel the code went through is the one with this user.
  if (attempt.dm_channel_id) config.dmChannelId = attempt.dm_channel_id;
  else delete config.dmChannelId;
  await upsertChannelRow(db, { userId }, { channel: "discord_dm", enabled: true, config }, iso);
  return { discordUserId };
}

const TEST_TIMEOUT_MS = 10_000;

/**
 * "Send test": one sample notification through the saved settings, answered with the provider's
 * real outcome. Limited per user, since each call makes the server send a request where the
 * user says.
 */
export async function sendTestNotification(
  s: Pick<Services, "db" | "env" | "mailer" | "clock" | "sendTestLimiter">,
  ws: WorkspaceAccess,
  user: { email: string; emailVerified: boolean },
  channel: ChannelName,
) {
  const owner = channelOwner(ws, channel, true);
  const limit = await s.sendTestLimiter.take(ws.userId);
  if (!limit.allowed) {
    throw new AppError("RATE_LIMITED", `Too many test notifications: try again in ${limit.retryAfterSeconds} second${limit.retryAfterSeconds === 1 ? "" : "s"}.`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  }
  const row = await findChannelRow(s.db, owner, channel);
  const config = channelConfigFor(channel, row?.config ?? null, user.email, user.emailVerified);
  const now = s.clock().toISOString();
  const outcome = await sendVia(
    channel,
    {
      eventId: "test",
      category: { name: "test", emoji: "🔔", color: "#6C5CE7" },
      description: "This is a test notification from PingPilot. If you can read it, this channel works.",
      fields: { channel, sentBy: user.email },
      tags: ["test"],
      occurredAt: now,
      createdAt: now,
      eventUrl: workspaceLink(s.env.APP_URL, "/dashboard/settings/notifications", ws.slug),
      test: true,
    },
    config,
    channelContext({ db: s.db, env: s.env, mailer: s.mailer, clock: s.clock, timeoutMs: TEST_TIMEOUT_MS }, owner, channel),
  );
  return outcome.kind === "delivered"
    ? { ok: true as const, statusCode: outcome.statusCode ?? null }
    : { ok: false as const, statusCode: outcome.statusCode ?? null, error: outcome.error, retryable: outcome.kind === "retry" };
}
