/** Discord channel webhook (SPEC §6): the same embed as the DM, posted to the user's webhook URL. */
import type { z } from "zod";
import type { channelConfigSchemas } from "@/shared/notification";
import { outcomeOf, type Channel } from "./channel";
import { discordReason } from "./discord-api";
import { discordEmbed } from "./discord-embed";

export type DiscordWebhookConfig = z.infer<ReturnType<typeof channelConfigSchemas>["discord_webhook"]>;

export const discordWebhookChannel: Channel<DiscordWebhookConfig> = {
  name: "discord_webhook",
  async send(notification, config, ctx) {
    const url = new URL(config.url);
    // wait=true makes Discord answer 200 with the message only once it is posted, so a refused
    // message is a visible error instead of a silent 204.
    url.searchParams.set("wait", "true");
    const res = await ctx.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ embeds: [discordEmbed(notification)] }),
      // A user-supplied URL: never follow it elsewhere (e.g. into the private network).
      redirect: "manual",
    });
    return outcomeOf(res, discordReason);
  },
};
