/** Discord channel webhook: the same embed as the DM, posted to the user's webhook URL. */
import type { z } from "zod";
import type { channelConfigSchemas } from "@/shared/notification";
import { postToUserUrl, type Channel } from "./channel";
import { discordReason } from "./discord-api";
import { discordEmbed } from "./discord-embed";

export type DiscordWebhookConfig = z.infer<ReturnType<typeof channelConfigSchemas>["discord_webhook"]>;

export const discordWebhookChannel: Channel<DiscordWebhookConfig> = {
  name: "discord_webhook",
  async send(notification, config, ctx) {
    let url = config.url;
    try {
      const withWait = new URL(config.url);
      // wait=true makes Discord answer 200 with the message only once it is posted, so a refused
      // message is a visible error instead of a silent 204.
      withWait.searchParams.set("wait", "true");
      url = withWait.href;
    } catch {
      // postToUserUrl refuses it with a clear reason
    }
    return postToUserUrl(
      ctx,
      "discord_webhook",
      url,
      { headers: { "content-type": "application/json" }, body: JSON.stringify({ embeds: [discordEmbed(notification)] }), maxBodyBytes: 4096 },
      discordReason,
    );
  },
};
