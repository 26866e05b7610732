import { z } from "zod";

/** User-side configuration of each notification channel (SPEC §6), validated on save. */
const https = (allowInsecure: boolean) =>
  z.url({ message: "Use a full URL like https://…" }).refine((u) => allowInsecure || u.startsWith("https://"), "The URL must start with https://");

export const discordUserId = z.string().trim().regex(/^\d{17,20}$/, "A Discord user ID is 17–20 digits (Discord → Settings → Advanced → Developer Mode, then right-click your name → Copy User ID).");
export const e164Phone = z.string().trim().regex(/^\+[1-9]\d{6,14}$/, "Use the international format, e.g. +14155550123.");

export function channelConfigSchemas(allowInsecureUrls = false) {
  return {
    discord_dm: z.object({ discordUserId, dmChannelId: z.string().optional() }),
    discord_webhook: z.object({ url: https(allowInsecureUrls) }),
    telegram: z.object({ chatId: z.string().optional(), username: z.string().optional() }),
    slack: z.object({ url: https(allowInsecureUrls) }),
    email: z.object({}),
    whatsapp: z.object({ phone: e164Phone }),
    webhook: z.object({ url: https(allowInsecureUrls), secret: z.string().optional() }),
  } as const;
}

export const CHANNEL_LABELS = {
  discord_dm: "Discord DM",
  discord_webhook: "Discord webhook",
  telegram: "Telegram",
  slack: "Slack",
  email: "Email",
  whatsapp: "WhatsApp",
  webhook: "Webhook",
} as const;
