/**
 * Discord direct message from the server's bot. Sending a DM takes a DM channel; it is
 * opened once and its id saved in the user's config, so later sends are one request.
 *
 * Every field here but `discordUserId` is written by the server only: the user ID counts once a
 * one-time code DMed to it was confirmed, or a Discord sign-in provided it (`verifiedDiscordUserId`).
 */
import { outcomeOf, type Channel, type ChannelContext } from "./channel";
import { discordBotPost, discordReason, openDiscordDmChannel } from "./discord-api";
import { discordEmbed } from "./discord-embed";

export type DiscordDmConfig = {
  discordUserId?: string;
  /** The Discord user ID a code or a Discord sign-in proved; a typed ID counts only when it is this one. */
  verifiedDiscordUserId?: string;
  verifiedVia?: "code" | "discord";
  dmChannelId?: string;
};

export const isDiscordIdVerified = (config: DiscordDmConfig) => Boolean(config.discordUserId) && config.verifiedDiscordUserId === config.discordUserId;

export const DISCORD_NOT_VERIFIED = "Discord user ID not verified";

export const discordDmChannel: Channel<DiscordDmConfig> = {
  name: "discord_dm",
  async send(notification, config, ctx) {
    const token = ctx.discord.botToken;
    if (!token) return { kind: "permanent", error: "Discord bot is not configured on this server (DISCORD_BOT_TOKEN)" };
    if (!isDiscordIdVerified(config)) return { kind: "permanent", error: DISCORD_NOT_VERIFIED };
    const bot = { botToken: token, apiUrl: ctx.discord.apiUrl };

    let channelId = config.dmChannelId;
    if (!channelId) {
      const opened = await openDiscordDmChannel(bot, ctx.fetch, config.discordUserId!, notification.eventUrl);
      if (!opened.ok) return outcomeOf(opened.res, ctx, discordReason);
      channelId = opened.channelId;
      await ctx.saveConfig({ dmChannelId: channelId });
    }

    const res = await discordBotPost(bot, ctx.fetch, `/channels/${encodeURIComponent(channelId)}/messages`, { embeds: [discordEmbed(notification)] }, notification.eventUrl);
    if (res.status === 404) return forgetDmChannel(res, ctx);
    return outcomeOf(res, ctx, discordReason);
  },
};

/** The saved DM channel is gone (Unknown Channel): forget it so the retry opens a fresh one. */
async function forgetDmChannel(res: Response, ctx: ChannelContext) {
  const reason = discordReason(await res.text().catch(() => "")) ?? "Unknown Channel";
  // undefined, not null: the config is stored as JSON, where an undefined key disappears.
  await ctx.saveConfig({ dmChannelId: undefined });
  return { kind: "retry" as const, statusCode: 404, error: `404 ${reason}; the DM channel will be reopened` };
}
