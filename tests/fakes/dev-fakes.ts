/**
 * Every provider fake on fixed local ports, for trying notifications end to end on a dev
 * machine without real Discord/Telegram/Slack/WhatsApp accounts or a mail server:
 *
 *   npx tsx tests/fakes/dev-fakes.ts
 *
 * Prints the environment lines that point PingPilot at the fakes, the URLs to paste into the
 * notification settings, and then every notification as it arrives. Set WEBHOOK_SECRET to the
 * secret PingPilot shows for the webhook channel to have the receiver check signatures.
 */
import { startDiscordFake } from "./discord.fake";
import type { FakeRequest } from "./fake-http";
import { startSlackFake } from "./slack.fake";
import { startSmtpFake } from "./smtp.fake";
import { startStripeFake } from "./stripe.fake";
import { startTelegramFake } from "./telegram.fake";
import { startWebhookReceiverFake, type WebhookReceiverRequest } from "./webhook-receiver.fake";
import { startWhatsappFake } from "./whatsapp.fake";

const PORTS = { discord: 4010, telegram: 4011, slack: 4012, whatsapp: 4013, webhook: 4014, smtp: 4015, stripe: 4016 };
/** Where the Stripe fake sends billing webhooks: the running PingPilot. */
const stripeWebhookUrl = `${(process.env.APP_URL || "http://localhost:3000").replace(/\/+$/, "")}/api/webhooks/stripe`;
const webhookSecret = process.env.WEBHOOK_SECRET || undefined;

const [discord, telegram, slack, whatsapp, receiver, smtp, stripe] = await Promise.all([
  startDiscordFake({ port: PORTS.discord }),
  startTelegramFake({ port: PORTS.telegram }),
  startSlackFake({ port: PORTS.slack }),
  startWhatsappFake({ port: PORTS.whatsapp }),
  startWebhookReceiverFake({ port: PORTS.webhook, secret: webhookSecret }),
  startSmtpFake({ port: PORTS.smtp }),
  startStripeFake({ port: PORTS.stripe, webhook: stripeWebhookUrl }),
]).catch((err: unknown) => {
  console.error(`Could not start the fakes (ports ${PORTS.discord}–${PORTS.stripe} must be free): ${String(err)}`);
  process.exit(1);
});

// Fixed webhook URLs, so what is pasted into the settings keeps working after a restart.
const discordWebhookUrl = discord.createWebhook("1000000000000000001", "dev-webhook-token");
const slackWebhookUrl = slack.createWebhook("/services/TDEV00000/BDEV00000/dev-webhook-token");

console.log(`PingPilot dev fakes are running. Point PingPilot at them (.env):

DISCORD_API_URL=${discord.apiUrl}
DISCORD_BOT_TOKEN=${discord.botToken}
TELEGRAM_API_URL=${telegram.apiUrl}
TELEGRAM_BOT_TOKEN=${telegram.token}
WHATSAPP_API_URL=${whatsapp.apiUrl}
WHATSAPP_TOKEN=${whatsapp.token}
WHATSAPP_PHONE_NUMBER_ID=${whatsapp.phoneNumberId}
SMTP_URL=${smtp.url}
ALLOW_INSECURE_WEBHOOK_URLS=true
ALLOW_PRIVATE_WEBHOOK_TARGETS=true
SLACK_WEBHOOK_URL_BASE=${slack.url}
${Object.entries(stripe.env)
  .map(([k, v]) => `${k}=${v}`)
  .join("\n")}

Then, in Settings → Notifications:
  Discord webhook URL  ${discordWebhookUrl}
  Slack webhook URL    ${slackWebhookUrl}
  Webhook URL          ${receiver.webhookUrl}   ${webhookSecret ? "(checking signatures with WEBHOOK_SECRET)" : "(signatures not checked: restart with WEBHOOK_SECRET=whsec_… to check them)"}
  Discord DM           any Discord user ID (17–20 digits); the code the bot DMs to verify it is printed below
  WhatsApp             any number in E.164, e.g. +14155550123
  Billing              Usage → Upgrade opens the fake Checkout, which pays at once and sends the webhooks to ${stripeWebhookUrl}

Waiting for notifications (Ctrl+C to stop)…
`);

const time = () => new Date().toISOString().slice(11, 19);
const indent = (text: string) => text.replace(/^/gm, "    ");
const print = (source: string, request: FakeRequest, summary: string) => console.log(`\n${time()} [${source}] ${request.method} ${request.path} → ${request.status}\n${indent(summary)}`);
const refusal = (request: FakeRequest) => (request.status >= 300 ? `refused: ${JSON.stringify(request.response)}` : undefined);

discord.onRequest((request) => {
  const body = request.body as { content?: string; embeds?: Array<{ title?: string; description?: string; fields?: Array<{ name: string; value: string }> }> } | undefined;
  const embed = body?.embeds?.[0];
  const summary =
    refusal(request) ??
    (embed ? [embed.title, embed.description, ...(embed.fields ?? []).map((f) => `${f.name}: ${f.value}`)].filter(Boolean).join("\n") : (body?.content ?? JSON.stringify(request.body)));
  print("discord", request, summary);
});
telegram.onRequest((request) => {
  const sent = telegram.messages.at(-1);
  print("telegram", request, refusal(request) ?? (sent ? `to chat ${sent.chatId}:\n${sent.text}` : JSON.stringify(request.body)));
});
slack.onRequest((request) => {
  const body = request.body as { text?: string; blocks?: unknown[] } | undefined;
  print("slack", request, refusal(request) ?? `${body?.text ?? ""}\n(${body?.blocks?.length ?? 0} blocks)`);
});
whatsapp.onRequest((request) => {
  const sent = whatsapp.messages.at(-1);
  print("whatsapp", request, refusal(request) ?? (sent ? `to +${sent.to}:\n${sent.body}` : JSON.stringify(request.body)));
});
receiver.onRequest((request) => {
  const { verified, reason } = request as WebhookReceiverRequest;
  const check = verified === true ? "signature valid" : verified === false ? `signature refused: ${reason}` : "signature not checked";
  print("webhook", request, `${check}; webhook-id ${String(request.headers["webhook-id"])}\n${JSON.stringify(request.body, null, 2)}`);
});
smtp.onMail((mail) => {
  console.log(`\n${time()} [smtp] mail to ${mail.to.join(", ")}\n${indent(`Subject: ${mail.subject}\n\n${mail.text ?? "(no text part)"}`)}`);
});

stripe.onRequest((request) => {
  if (request.path.startsWith("/v1/") || request.path.startsWith("/pay/")) print("stripe", request, refusal(request) ?? `${JSON.stringify(request.body ?? request.query)}`);
});

const stop = async () => {
  await Promise.all([discord, telegram, slack, whatsapp, receiver, smtp, stripe].map((fake) => fake.close()));
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
