/**
 * Discord direct message from the server's bot (SPEC §6). Sending a DM takes a DM channel; it is
 * opened once and its id saved in the user's config, so later sends are one request.
 */
import type { z } from "zod";
import type { channelConfigSchemas } from "@/shared/notification";
import { outcomeOf, type Channel, type ChannelContext } from "./channel";
import { discordReason, discordUserAgent } from "./discord-api";
import { discordEmbed } from "./discord-embed";

export type DiscordDmConfig = z.infer<ReturnType<typeof channelConfigSchemas>["discord_dm"]>;

export const discordDmChannel: Channel<DiscordDmConfig> = {
  name: "discord_dm",
  async send(notification, config, ctx) {
    const token = ctx.discord.botToken;
    if (!token) return { kind: "permanent", error: "Discord bot is not configured on this server (DISCORD_BOT_TOKEN)" };
    const post = (path: string, body: unknown) =>
      ctx.fetch(`${ctx.discord.apiUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bot ${token}`, "content-type": "application/json", "user-agent": discordUserAgent(notification.eventUrl) },
        body: JSON.stringify(body),
      });

    let channelId = config.dmChannelId;
    if (!channelId) {
      const opened = await post("/users/@me/channels", { recipient_id: config.discordUserId });
      if (!opened.ok) return outcomeOf(opened, discordReason);
      channelId = ((await opened.json()) as { id: string }).id;
      await ctx.saveConfig({ dmChannelId: channelId });
    }

    const res = await post(`/channels/${encodeURIComponent(channelId)}/messages`, { embeds: [discordEmbed(notification)] });
    if (res.status === 404) return forgetDmChannel(res, ctx);
    return outcomeOf(res, discordReason);
  },
};

/** The saved DM channel is gone (Unknown Channel): forget it so the retry opens a fresh one. */
async function forgetDmChannel(res: Response, ctx: ChannelContext) {
  const reason = discordReason(await res.text().catch(() => "")) ?? "Unknown Channel";
  // undefined, not null: the config is stored as JSON, where an undefined key disappears.
  await ctx.saveConfig({ dmChannelId: undefined });
  return { kind: "retry" as const, statusCode: 404, error: `404 ${reason}; the DM channel will be reopened` };
}
