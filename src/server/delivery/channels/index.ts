/** Every notification channel by name, for the delivery worker and the "send test" action. */
import type { Channel, ChannelName } from "./channel";
import { discordDmChannel } from "./discord-dm.channel";
import { discordWebhookChannel } from "./discord-webhook.channel";
import { emailChannel } from "./email.channel";
import { slackChannel } from "./slack.channel";
import { telegramChannel } from "./telegram.channel";
import { webhookChannel } from "./webhook.channel";
import { whatsappChannel } from "./whatsapp.channel";

// Channel<any>: each channel has its own config type; the worker validates the stored config
// with channelConfigSchemas before handing it over.
// biome-ignore lint/suspicious/noExplicitAny: one map of channels whose configs differ; validated before use (above)
export const channels: Record<ChannelName, Channel<any>> = {
  discord_dm: discordDmChannel,
  discord_webhook: discordWebhookChannel,
  telegram: telegramChannel,
  slack: slackChannel,
  email: emailChannel,
  whatsapp: whatsappChannel,
  webhook: webhookChannel,
};

export { generateWebhookSecret, verifyWebhookSignature } from "./webhook.channel";
