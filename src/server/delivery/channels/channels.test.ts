import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDiscordFake, type DiscordFake } from "../../../../tests/fakes/discord.fake";
import { startSlackFake, type SlackFake } from "../../../../tests/fakes/slack.fake";
import { startSmtpFake, type SmtpFake } from "../../../../tests/fakes/smtp.fake";
import { startTelegramFake, type TelegramFake } from "../../../../tests/fakes/telegram.fake";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../../../../tests/fakes/webhook-receiver.fake";
import { startWhatsappFake, type WhatsappFake } from "../../../../tests/fakes/whatsapp.fake";
import { testClock } from "../../../../tests/support/test-app";
import { createLogger } from "../../log/logger";
import { createMailer } from "../../mail/mailer";
import { createOutboundClient } from "../../security/outbound";
import type { ChannelContext, Notification } from "./channel";
import { discordDmChannel } from "./discord-dm.channel";
import { discordEmbed, type DiscordEmbed } from "./discord-embed";
import { discordWebhookChannel } from "./discord-webhook.channel";
import { emailChannel } from "./email.channel";
import { channels } from "./index";
import { blockTextLength, slackChannel } from "./slack.channel";
import { telegramChannel, telegramText } from "./telegram.channel";
import { generateWebhookSecret, signWebhook, verifyWebhookSignature, webhookChannel } from "./webhook.channel";
import { whatsappChannel } from "./whatsapp.channel";

let discord: DiscordFake;
let telegram: TelegramFake;
let slack: SlackFake;
let whatsapp: WhatsappFake;
let receiver: WebhookReceiverFake;
let smtp: SmtpFake;
const secret = generateWebhookSecret();
const localClient = createOutboundClient({ allowInsecure: true, allowPrivate: true });

beforeAll(async () => {
  [discord, telegram, slack, whatsapp, receiver, smtp] = await Promise.all([
    startDiscordFake(),
    startTelegramFake(),
    startSlackFake(),
    startWhatsappFake(),
    startWebhookReceiverFake({ secret }),
    startSmtpFake(),
  ]);
});
afterAll(async () => {
  await Promise.all([discord, telegram, slack, whatsapp, receiver, smtp].map((fake) => fake?.close()));
});
beforeEach(() => {
  for (const fake of [discord, telegram, slack, whatsapp, receiver, smtp]) fake.reset();
});

const EVENT_URL = "http://localhost:3000/dashboard/events/0193a0f2-7c1e-7abc-8def-0123456789ab";
const sale: Notification = {
  eventId: "0193a0f2-7c1e-7abc-8def-0123456789ab",
  category: { name: "sale", emoji: "💰", color: "#FFEB3B" },
  description: `New order from <Ada & Co> — "Pro" plan`,
  fields: { plan: "Pro", amount: 49.99, customer: "Ada <ada@example.com>", trial: false },
  tags: ["billing"],
  occurredAt: "2026-11-28T17:30:00.000Z",
  createdAt: "2026-11-28T17:30:01.250Z",
  eventUrl: EVENT_URL,
};

/** 40 fields of 2,000 characters (some with 300-character names), a 5,000-character description, all full of characters to escape. */
const codePointSlice = (text: string, length: number) => [...text].slice(0, length).join("");
const oversized: Notification = {
  ...sale,
  description: codePointSlice(`Overflow 💥 <b>not bold</b> & "quoted" `.repeat(200), 5000),
  fields: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i % 10 === 0 ? `field ${i} ${"n".repeat(300)}` : `field ${i}`, codePointSlice(`x<y & "z">💥 `.repeat(200), 2000)])),
};

function makeContext(overrides: Partial<ChannelContext> = {}) {
  const saved: Array<Record<string, unknown>> = [];
  const ctx: ChannelContext = {
    discord: { botToken: discord.botToken, apiUrl: discord.apiUrl },
    telegram: { botToken: telegram.token, apiUrl: telegram.apiUrl },
    whatsapp: { token: whatsapp.token, phoneNumberId: whatsapp.phoneNumberId, apiUrl: whatsapp.apiUrl },
    // The dev mailbox (and so the database) is only used without an SMTP URL.
    mailer: createMailer({ smtpUrl: smtp.url, from: "PingPilot <no-reply@pingpilot.test>", db: undefined as never, logger: createLogger("silent"), clock: () => new Date() }),
    fetch: (u, i) => fetch(u, { ...i, signal: AbortSignal.timeout(10_000) }),
    // The fakes listen on loopback over http, under the configured provider bases.
    userUrls: {
      policy: { allowInsecure: true, allowPrivate: true, slackBase: slack.url, discordApiUrl: discord.apiUrl },
      request: (u, i) => localClient.request(u, { ...i, signal: AbortSignal.timeout(10_000) }),
    },
    saveConfig: async (patch) => void saved.push(patch),
    now: testClock(),
    ...overrides,
  };
  return { ctx, saved };
}

/** User text is escaped (Discord hides the backslashes); no `url`: Discord refuses a link to a dotless host such as localhost. */
const saleEmbed: DiscordEmbed = {
  title: "💰 Sale",
  description: `New order from \\<Ada & Co\\> — "Pro" plan`,
  color: 0xffeb3b,
  timestamp: "2026-11-28T17:30:00.000Z",
  fields: [
    { name: "plan", value: "Pro", inline: true },
    { name: "amount", value: "49.99", inline: true },
    { name: "customer", value: "Ada \\<ada@example.com\\>", inline: true },
    { name: "trial", value: "false", inline: true },
  ],
  footer: { text: "PingPilot" },
};
const DISCORD_USER = "123456789012345678";
/** Only the server writes `verifiedDiscordUserId` (a confirmed code or a Discord sign-in). */
const VERIFIED_DM = { discordUserId: DISCORD_USER, verifiedDiscordUserId: DISCORD_USER };

describe("Discord embed content", () => {
  it("never turns user text into a masked link, a mention or markup", () => {
    const embed = discordEmbed({
      ...sale,
      description: "[Verify account](http://evil.example) @everyone <@123456789012345678> **urgent**",
      fields: { "[x](http://evil.example)": "@here <#1234> `code` # heading" },
    });
    expect(embed.description).toBe("\\[Verify account\\]\\(http://evil.example\\) @\u200beveryone \\<@123456789012345678\\> \\*\\*urgent\\*\\*");
    expect(embed.fields[0]).toEqual({ name: "\\[x\\]\\(http://evil.example\\)", value: "@\u200bhere \\<\\#1234\\> \\`code\\` \\# heading", inline: true });
  });

  it("with a dotless APP_URL, Discord (the fake, as the real API) would refuse the link; the embed leaves it out and is delivered", async () => {
    const { ctx } = makeContext();
    const res = await fetch(`${discord.webhookUrl}?wait=true`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ embeds: [{ ...saleEmbed, url: EVENT_URL }] }),
    });
    expect([res.status, await res.json()]).toEqual([400, { embeds: ["0"] }]);
    expect(await discordWebhookChannel.send(sale, { url: discord.webhookUrl }, ctx)).toMatchObject({ kind: "delivered" });
  });

  it("links the event only when Discord accepts the host (a dot in it)", () => {
    expect(discordEmbed({ ...sale, eventUrl: "http://localhost:3000/dashboard/events/1" }).url).toBeUndefined();
    expect(discordEmbed({ ...sale, eventUrl: "http://pingpilot:3000/dashboard/events/1" }).url).toBeUndefined();
    expect(discordEmbed({ ...sale, eventUrl: "https://pingpilot.example.com/dashboard/events/1" }).url).toBe("https://pingpilot.example.com/dashboard/events/1");
  });
});

describe("Discord DM", () => {
  it("opens the DM channel once, saves its id, and posts the embed", async () => {
    const { ctx, saved } = makeContext();
    let config: { discordUserId: string; verifiedDiscordUserId: string; dmChannelId?: string } = { ...VERIFIED_DM };

    expect(await discordDmChannel.send(sale, config, ctx)).toEqual({ kind: "delivered", statusCode: 200 });
    const channelId = discord.dmChannelOf(DISCORD_USER)!;
    expect(saved).toEqual([{ dmChannelId: channelId }]);
    config = { ...config, ...saved[0] };

    expect(await discordDmChannel.send({ ...sale, description: "Second sale" }, config, ctx)).toMatchObject({ kind: "delivered" });
    expect(discord.received.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v10/users/@me/channels",
      `POST /api/v10/channels/${channelId}/messages`,
      `POST /api/v10/channels/${channelId}/messages`,
    ]);
    const [open, first] = discord.received;
    expect(open!.body).toEqual({ recipient_id: DISCORD_USER });
    expect(open!.headers.authorization).toBe("Bot fake-bot-token");
    expect(first!.headers.authorization).toBe("Bot fake-bot-token");
    expect(first!.body).toEqual({ embeds: [saleEmbed] });
    expect((first!.response as { embeds: unknown[] }).embeds[0]).toMatchObject({ type: "rich", title: "💰 Sale" });
    expect(saved).toHaveLength(1);
  });

  it("forgets a DM channel Discord no longer knows and retries, then reopens it", async () => {
    const { ctx, saved } = makeContext();
    await discordDmChannel.send(sale, VERIFIED_DM, ctx);
    const stale = saved[0]!.dmChannelId as string;
    discord.forgetDmChannels();

    const outcome = await discordDmChannel.send(sale, { ...VERIFIED_DM, dmChannelId: stale }, ctx);
    expect(outcome).toMatchObject({ kind: "retry", statusCode: 404, error: expect.stringContaining("Unknown Channel (code 10003)") });
    expect(saved[1]).toEqual({ dmChannelId: undefined });

    expect(await discordDmChannel.send(sale, VERIFIED_DM, ctx)).toMatchObject({ kind: "delivered" });
    expect(saved[2]!.dmChannelId).not.toBe(stale);
  });

  it("sends nothing to a Discord ID the server has not verified", async () => {
    const { ctx, saved } = makeContext();
    const unproven = [{ discordUserId: DISCORD_USER }, { discordUserId: DISCORD_USER, verifiedDiscordUserId: "223456789012345678" }, { discordUserId: DISCORD_USER, dmChannelId: "999" }];
    for (const config of unproven) {
      expect(await discordDmChannel.send(sale, config, ctx)).toEqual({ kind: "permanent", error: "Discord user ID not verified" });
    }
    expect(discord.received).toEqual([]);
    expect(saved).toEqual([]);
  });

  it("fails at once without a bot token, or when the user does not accept DMs from the bot", async () => {
    const { ctx } = makeContext({ discord: { apiUrl: discord.apiUrl } });
    expect(await discordDmChannel.send(sale, VERIFIED_DM, ctx)).toEqual({
      kind: "permanent",
      error: "Discord bot is not configured on this server (DISCORD_BOT_TOKEN)",
    });
    expect(discord.received).toEqual([]);

    discord.closeDms("223456789012345678");
    expect(await discordDmChannel.send(sale, { discordUserId: "223456789012345678", verifiedDiscordUserId: "223456789012345678" }, makeContext().ctx)).toEqual({
      kind: "permanent",
      statusCode: 403,
      error: "403 Cannot send messages to this user (code 50007)",
    });
  });
});

describe("Discord webhook", () => {
  it("executes the webhook with ?wait=true and the embed", async () => {
    expect(await discordWebhookChannel.send(sale, { url: discord.webhookUrl }, makeContext().ctx)).toEqual({ kind: "delivered", statusCode: 200 });
    const [request] = discord.received;
    expect(request!.path).toBe(new URL(discord.webhookUrl).pathname);
    expect(request!.query).toEqual({ wait: "true" });
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.body).toEqual({ embeds: [saleEmbed] });
  });

  it("retries a 429 after Discord's retry_after and a 500; fails a 400 with Discord's reason", async () => {
    const { ctx } = makeContext();
    const send = () => discordWebhookChannel.send(sale, { url: discord.webhookUrl }, ctx);
    discord.failNext([
      { status: 429, retryAfter: 2 },
      { status: 500 },
      {
        status: 400,
        body: { message: "Invalid Form Body", code: 50035, errors: { embeds: { 0: { title: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 256 or fewer in length." }] } } } } },
      },
    ]);
    expect(await send()).toEqual({ kind: "retry", statusCode: 429, error: "429 You are being rate limited.", retryAfterMs: 2000 });
    expect(discord.received[0]!.status).toBe(429);
    expect(await send()).toEqual({ kind: "retry", statusCode: 500, error: "500 500: Internal Server Error" });
    expect(await send()).toEqual({
      kind: "permanent",
      statusCode: 400,
      error: "400 Invalid Form Body (code 50035): embeds.0.title: Must be 256 or fewer in length.",
    });
    expect(await send()).toMatchObject({ kind: "delivered" });
  });

  it("fails at once for a deleted webhook", async () => {
    const url = discord.webhookUrl.replace(/\/webhooks\/\d+\//, "/webhooks/1/");
    expect(await discordWebhookChannel.send(sale, { url }, makeContext().ctx)).toEqual({ kind: "permanent", statusCode: 404, error: "404 Unknown Webhook (code 10015)" });
  });
});

describe("Discord embed", () => {
  it("keeps 24 fields and sums up the rest in a 25th; blank values become a dash", () => {
    const many = { ...sale, fields: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i === 0 ? " " : `v${i}`])) };
    const embed = discordEmbed(many);
    expect(embed.fields).toHaveLength(25);
    expect(embed.fields[0]).toEqual({ name: "f0", value: "—", inline: true });
    expect(embed.fields[23]).toEqual({ name: "f23", value: "v23", inline: true });
    expect(embed.fields[24]).toEqual({ name: "…and 6 more fields", value: "See the event in PingPilot.", inline: false });
  });

  it("fits an oversized event within every limit: description first, then trailing fields", () => {
    const embed = discordEmbed({ ...oversized, category: { ...sale.category, name: "s".repeat(300) } });
    const total = embed.title.length + (embed.description?.length ?? 0) + embed.footer.text.length + embed.fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(embed.title).toHaveLength(256);
    expect(embed.title.endsWith("…")).toBe(true);
    // The description keeps at least half of what the title and footer leave.
    expect(embed.description!.length).toBeGreaterThanOrEqual(Math.floor((6000 - 256 - "PingPilot".length) / 2));
    expect(embed.description!.endsWith("…")).toBe(true);
    for (const field of embed.fields) {
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
    const shown = embed.fields.length - 1;
    expect(embed.fields.at(-1)!.name).toBe(`…and ${40 - shown} more fields`);
    expect(shown).toBeGreaterThan(0);
  });
});

describe("Telegram", () => {
  it("sends HTML with every value escaped and the colour as #RRGGBB", async () => {
    expect(await telegramChannel.send(sale, { chatId: "424242" }, makeContext().ctx)).toEqual({ kind: "delivered", statusCode: 200 });
    const [request] = telegram.received;
    expect(request!.path).toBe("/botfake-telegram-token/sendMessage");
    expect(request!.body).toEqual({
      chat_id: "424242",
      parse_mode: "HTML",
      disable_web_page_preview: true,
      text: [
        "<b>💰 Sale</b>",
        "New order from &lt;Ada &amp; Co&gt; — &quot;Pro&quot; plan",
        "",
        "<b>plan</b>: Pro",
        "<b>amount</b>: 49.99",
        "<b>customer</b>: Ada &lt;ada@example.com&gt;",
        "<b>trial</b>: false",
        "Colour: #FFEB3B",
        // Telegram would drop a link to a dotless host such as localhost: the address as text.
        `Open in PingPilot: ${EVENT_URL}`,
      ].join("\n"),
    });
    // What the user reads, after Telegram parsed the HTML.
    expect(telegram.messages[0]!.text).toContain(`New order from <Ada & Co> — "Pro" plan`);
    expect(telegram.messages[0]!.text).toContain("customer: Ada <ada@example.com>");
  });

  it("links the event when the host is one Telegram keeps links to", () => {
    expect(telegramText({ ...sale, eventUrl: "https://pp.example.com/dashboard/events/1" })).toMatch(/\n<a href="https:\/\/pp\.example\.com\/dashboard\/events\/1">Open in PingPilot<\/a>$/);
  });

  it("fails at once when not linked or without a bot token", async () => {
    expect(await telegramChannel.send(sale, {}, makeContext().ctx)).toEqual({ kind: "permanent", error: "Telegram is not linked yet" });
    const { ctx } = makeContext({ telegram: { apiUrl: telegram.apiUrl } });
    expect(await telegramChannel.send(sale, { chatId: "424242" }, ctx)).toMatchObject({ kind: "permanent", error: expect.stringContaining("TELEGRAM_BOT_TOKEN") });
    expect(telegram.received).toEqual([]);
  });

  it("retries after parameters.retry_after on 429 and on 500; fails a block with Telegram's reason", async () => {
    const { ctx } = makeContext();
    const send = () => telegramChannel.send(sale, { chatId: "424242" }, ctx);
    telegram.failNext([{ status: 429, retryAfter: 7 }, { status: 500 }]);
    expect(await send()).toEqual({ kind: "retry", statusCode: 429, error: "429 Too Many Requests: retry after 7", retryAfterMs: 7000 });
    expect(telegram.received[0]!.headers["retry-after"]).toBeUndefined();
    expect(await send()).toEqual({ kind: "retry", statusCode: 500, error: "500 Internal Server Error" });
    telegram.blockChat("424242");
    expect(await send()).toEqual({ kind: "permanent", statusCode: 403, error: "403 Forbidden: bot was blocked by the user" });
  });
});

describe("Slack", () => {
  it("posts Block Kit with escaped values and a fallback text", async () => {
    expect(await slackChannel.send(sale, { url: slack.webhookUrl }, makeContext().ctx)).toEqual({ kind: "delivered", statusCode: 200 });
    const unix = Date.parse(sale.occurredAt) / 1000;
    expect(slack.received[0]!.body).toEqual({
      text: '💰 Sale: New order from &lt;Ada &amp; Co&gt; — "Pro" plan',
      blocks: [
        { type: "header", text: { type: "plain_text", text: "💰 Sale", emoji: true } },
        { type: "section", text: { type: "mrkdwn", text: 'New order from &lt;Ada &amp; Co&gt; — "Pro" plan' } },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: "*plan*\nPro" },
            { type: "mrkdwn", text: "*amount*\n49.99" },
            { type: "mrkdwn", text: "*customer*\nAda &lt;ada@example.com&gt;" },
            { type: "mrkdwn", text: "*trial*\nfalse" },
          ],
        },
        { type: "context", elements: [{ type: "mrkdwn", text: `<!date^${unix}^{date_short_pretty} at {time}|2026-11-28T17:30:00.000Z> · PingPilot` }] },
        { type: "section", text: { type: "mrkdwn", text: `<${EVENT_URL}|Open in PingPilot>` } },
      ],
    });
    expect(slack.received[0]!.response).toBe("ok");
  });

  it("retries a 429 after Retry-After and a 500; fails Slack's plain-text 4xx errors", async () => {
    const { ctx } = makeContext();
    const send = (url = slack.webhookUrl) => slackChannel.send(sale, { url }, ctx);
    slack.failNext([{ status: 429, retryAfter: 30 }, { status: 500 }, { status: 400, body: "invalid_payload" }]);
    expect(await send()).toEqual({ kind: "retry", statusCode: 429, error: "429 rate_limited", retryAfterMs: 30_000 });
    expect(await send()).toEqual({ kind: "retry", statusCode: 500, error: "500 internal_error" });
    expect(await send()).toEqual({ kind: "permanent", statusCode: 400, error: "400 invalid_payload" });
    expect(await send(`${slack.url}/services/T0/B0/revoked`)).toEqual({ kind: "permanent", statusCode: 404, error: "404 no_service" });
  });
});

describe("Email", () => {
  const recipient = { address: "ada@example.com", verified: true };

  it("sends the subject, an escaped HTML part and a text part over SMTP", async () => {
    expect(await emailChannel.send(sale, { recipient }, makeContext().ctx)).toEqual({ kind: "delivered" });
    await expect.poll(() => smtp.received.length).toBe(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(["ada@example.com"]);
    expect(mail.subject).toBe(`[PingPilot] 💰 Sale: New order from <Ada & Co> — "Pro" plan`);
    expect(mail.text).toBe(
      [
        "💰 Sale",
        "",
        `New order from <Ada & Co> — "Pro" plan`,
        "",
        "plan: Pro",
        "amount: 49.99",
        "customer: Ada <ada@example.com>",
        "trial: false",
        "",
        `Open in PingPilot: ${EVENT_URL}`,
        "Occurred at 2026-11-28T17:30:00.000Z",
        "",
        "— PingPilot",
      ].join("\n"),
    );
    const html = mail.html!;
    expect(html).toContain("border-left:4px solid #FFEB3B");
    expect(html).toContain("New order from &lt;Ada &amp; Co&gt; — &quot;Pro&quot; plan");
    expect(html).toMatch(/<th[^>]*>customer<\/th><td[^>]*>Ada &lt;ada@example.com&gt;<\/td>/);
    expect(html).toContain(`href="${EVENT_URL}"`);
    expect(html).not.toContain("<Ada");
    expect(html).not.toContain("<ada@");
  });

  it("fails at once for an unverified address or a 5xx SMTP reply; retries a 4xx reply", async () => {
    const { ctx } = makeContext();
    expect(await emailChannel.send(sale, { recipient: { ...recipient, verified: false } }, ctx)).toEqual({ kind: "permanent", error: "Email address not verified yet" });
    expect(await emailChannel.send(sale, {}, ctx)).toMatchObject({ kind: "permanent" });
    smtp.failNext([{ code: 550, message: "5.1.1 Mailbox unavailable" }]);
    expect(await emailChannel.send(sale, { recipient }, ctx)).toMatchObject({ kind: "permanent", statusCode: 550, error: expect.stringContaining("Mailbox unavailable") });
    smtp.failNext([{ code: 451, message: "4.7.1 Greylisted, try again" }]);
    expect(await emailChannel.send(sale, { recipient }, ctx)).toMatchObject({ kind: "retry", statusCode: 451, error: expect.stringContaining("Greylisted") });
    expect(smtp.received).toEqual([]);
  });
});

describe("WhatsApp", () => {
  it("sends a text message through the Cloud API", async () => {
    expect(await whatsappChannel.send(sale, { phone: "+14155550123" }, makeContext().ctx)).toEqual({ kind: "delivered", statusCode: 200 });
    const [request] = whatsapp.received;
    expect(request!.path).toBe("/v21.0/100000000000001/messages");
    expect(request!.headers.authorization).toBe("Bearer fake-whatsapp-token");
    expect(request!.body).toEqual({
      messaging_product: "whatsapp",
      to: "14155550123",
      type: "text",
      text: {
        preview_url: false,
        body: ["*💰 Sale*", `New order from <Ada & Co> — "Pro" plan`, "", "plan: Pro", "amount: 49.99", "customer: Ada <ada@example.com>", "trial: false", "", `Open in PingPilot: ${EVENT_URL}`].join(
          "\n",
        ),
      },
    });
    expect(whatsapp.messages[0]!.id).toMatch(/^wamid\./);
  });

  it("fails at once when not configured or the token is refused; retries a 500 and throttling", async () => {
    expect(await whatsappChannel.send(sale, { phone: "+14155550123" }, makeContext({ whatsapp: { apiUrl: whatsapp.apiUrl } }).ctx)).toMatchObject({
      kind: "permanent",
      error: expect.stringContaining("WHATSAPP_TOKEN"),
    });
    const badToken = makeContext({ whatsapp: { token: "expired", phoneNumberId: whatsapp.phoneNumberId, apiUrl: whatsapp.apiUrl } }).ctx;
    expect(await whatsappChannel.send(sale, { phone: "+14155550123" }, badToken)).toEqual({
      kind: "permanent",
      statusCode: 401,
      error: "401 Invalid OAuth access token - Cannot parse access token (code 190)",
    });
    const { ctx } = makeContext();
    whatsapp.failNext([
      { status: 500 },
      { status: 429, retryAfter: 60 },
      // Graph API throttling often comes as a 400.
      { status: 400, body: { error: { message: "(#80007) Rate limit issues", type: "OAuthException", code: 80007 } } },
    ]);
    expect(await whatsappChannel.send(sale, { phone: "+14155550123" }, ctx)).toMatchObject({ kind: "retry", statusCode: 500 });
    expect(await whatsappChannel.send(sale, { phone: "+14155550123" }, ctx)).toMatchObject({ kind: "retry", statusCode: 429, retryAfterMs: 60_000 });
    expect(await whatsappChannel.send(sale, { phone: "+14155550123" }, ctx)).toMatchObject({ kind: "retry", statusCode: 400, error: "400 (#80007) Rate limit issues (code 80007)" });
  });
});

describe("Webhook", () => {
  it("posts the event signed per Standard Webhooks, verified by the receiver", async () => {
    const before = Math.floor(Date.now() / 1000);
    expect(await webhookChannel.send(sale, { url: receiver.webhookUrl, secret }, makeContext().ctx)).toEqual({ kind: "delivered", statusCode: 204 });
    const [request] = receiver.received;
    expect(request!.verified).toBe(true);
    expect(request!.headers["webhook-id"]).toBe(`msg_${sale.eventId}`);
    expect(Number(request!.headers["webhook-timestamp"])).toBeGreaterThanOrEqual(before);
    expect(request!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.body).toEqual({
      type: "event.created",
      timestamp: sale.createdAt,
      data: {
        id: sale.eventId,
        category: { name: "sale", emoji: "💰", color: "#FFEB3B" },
        description: sale.description,
        fields: { plan: "Pro", amount: 49.99, customer: "Ada <ada@example.com>", trial: false },
        tags: ["billing"],
        occurredAt: sale.occurredAt,
        createdAt: sale.createdAt,
        url: EVENT_URL,
      },
    });
    const headers = { id: request!.headers["webhook-id"] as string, timestamp: request!.headers["webhook-timestamp"] as string, signature: request!.headers["webhook-signature"] as string };
    const nowSeconds = Number(headers.timestamp);
    expect(verifyWebhookSignature({ secret, ...headers, body: request!.rawBody, nowSeconds })).toBe(true);
    expect(verifyWebhookSignature({ secret, ...headers, body: request!.rawBody.replace("49.99", "0.01"), nowSeconds })).toBe(false);
    expect(verifyWebhookSignature({ secret: generateWebhookSecret(), ...headers, body: request!.rawBody, nowSeconds })).toBe(false);
  });

  it("honours Retry-After on a 503 like on a 429, on user URLs and provider APIs alike", async () => {
    const { ctx } = makeContext();
    receiver.failNext([{ status: 503, headers: { "retry-after": "120" } }]);
    expect(await webhookChannel.send(sale, { url: receiver.webhookUrl, secret }, ctx)).toMatchObject({ kind: "retry", statusCode: 503, retryAfterMs: 120_000 });
    telegram.failNext([{ status: 503, headers: { "retry-after": "45" } }]);
    expect(await telegramChannel.send(sale, { chatId: "424242" }, ctx)).toMatchObject({ kind: "retry", statusCode: 503, retryAfterMs: 45_000 });
  });

  it("reads time from the services' clock: a Retry-After date and the webhook timestamp", async () => {
    const frozen = new Date("2031-06-15T12:00:00Z");
    const { ctx } = makeContext({ now: () => frozen });
    receiver.failNext([{ status: 503, headers: { "retry-after": "Sun, 15 Jun 2031 12:05:00 GMT" } }]);
    expect(await webhookChannel.send(sale, { url: receiver.webhookUrl, secret }, ctx)).toMatchObject({ kind: "retry", statusCode: 503, retryAfterMs: 300_000 });
    receiver.setSecret(undefined);
    await webhookChannel.send(sale, { url: receiver.webhookUrl, secret }, ctx);
    expect(receiver.received.at(-1)!.headers["webhook-timestamp"]).toBe(String(frozen.getTime() / 1000));
  });

  it("keeps the webhook-id across retries; a wrong secret is a permanent 401", async () => {
    const { ctx } = makeContext();
    receiver.failNext([{ status: 503 }]);
    expect(await webhookChannel.send(sale, { url: receiver.webhookUrl, secret }, ctx)).toMatchObject({ kind: "retry", statusCode: 503 });
    expect(await webhookChannel.send(sale, { url: receiver.webhookUrl, secret }, ctx)).toMatchObject({ kind: "delivered" });
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([`msg_${sale.eventId}`, `msg_${sale.eventId}`]);

    expect(await webhookChannel.send(sale, { url: receiver.webhookUrl, secret: generateWebhookSecret() }, ctx)).toEqual({
      kind: "permanent",
      statusCode: 401,
      // The status only: the receiver's body is never kept.
      error: "401 Unauthorized",
    });
    expect(await webhookChannel.send(sale, { url: receiver.webhookUrl }, ctx)).toMatchObject({ kind: "permanent" });
  });

  it("signs like the Standard Webhooks test vector; secrets are whsec_ + 24 random bytes", () => {
    const vector = { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330", body: '{"test": 2432232314}' };
    const signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    expect(signWebhook(vector)).toBe(signature);
    expect(verifyWebhookSignature({ ...vector, signature: `v1,bm90IHRoaXMgb25l ${signature}`, nowSeconds: 1614265330 + 60 })).toBe(true);
    expect(verifyWebhookSignature({ ...vector, signature, nowSeconds: 1614265330 + 301 })).toBe(false);
    const generated = generateWebhookSecret();
    expect(generated).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(generated.slice(6), "base64")).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(generated);
  });
});

describe("an oversized event (40 fields of 2,000 characters, 5,000-character description)", () => {
  it("is fitted and accepted by every provider", async () => {
    const { ctx } = makeContext();
    const results = {
      discord_dm: await channels.discord_dm.send(oversized, VERIFIED_DM, ctx),
      discord_webhook: await channels.discord_webhook.send(oversized, { url: discord.webhookUrl }, ctx),
      telegram: await channels.telegram.send(oversized, { chatId: "424242" }, ctx),
      slack: await channels.slack.send(oversized, { url: slack.webhookUrl }, ctx),
      email: await channels.email.send(oversized, { recipient: { address: "ada@example.com", verified: true } }, ctx),
      whatsapp: await channels.whatsapp.send(oversized, { phone: "+14155550123" }, ctx),
      webhook: await channels.webhook.send(oversized, { url: receiver.webhookUrl, secret }, ctx),
    };
    for (const [name, outcome] of Object.entries(results)) expect({ name, kind: outcome.kind }).toEqual({ name, kind: "delivered" });
    for (const fake of [discord, telegram, slack, whatsapp, receiver]) {
      expect(fake.received.every((r) => r.status >= 200 && r.status < 300)).toBe(true);
    }

    const embed = (discord.received.at(-1)!.body as { embeds: DiscordEmbed[] }).embeds[0]!;
    expect(embed.fields.at(-1)!.name).toMatch(/^…and \d+ more fields$/);

    const text = (telegram.received[0]!.body as { text: string }).text;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toMatch(/<i>…and \d+ more fields<\/i>\nColour: #FFEB3B\nOpen in PingPilot: http:\/\/\S+$/);

    const blocks = (slack.received[0]!.body as { blocks: Parameters<typeof blockTextLength>[0][] }).blocks;
    // Each block within its limit, and all block text together well under Slack's ~12,000.
    expect(blocks.reduce((sum, b) => sum + blockTextLength(b), 0)).toBeLessThanOrEqual(10_000);
    const shownFields = blocks.flatMap((b) => (b.type === "section" ? (b.fields ?? []) : []));
    expect(shownFields.every((f) => f.text.length <= 2000)).toBe(true);
    const more = JSON.stringify(blocks).match(/…and (\d+) more fields/);
    expect(shownFields.length + Number(more?.[1])).toBe(40);

    await expect.poll(() => smtp.received.length).toBe(1);
    expect(smtp.received[0]!.subject.length).toBeLessThanOrEqual(200);
    expect(smtp.received[0]!.subject).toMatch(/^\[PingPilot\] 💰 Sale: Overflow 💥 <b>not bold<\/b> & "quoted" Overflow.*…$/);

    const body = whatsapp.messages[0]!.body;
    expect(body.length).toBeLessThanOrEqual(4096);
    expect(body.endsWith(`Open in PingPilot: ${EVENT_URL}`)).toBe(true);

    expect(receiver.received[0]!.verified).toBe(true);
    expect(Object.keys((receiver.received[0]!.body as { data: { fields: object } }).data.fields)).toHaveLength(40);
  });

  it("is refused by the fakes when sent unfitted, as the real APIs would", async () => {
    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const raw = { title: "x".repeat(257), description: oversized.description, fields: Object.entries(oversized.fields).map(([name, value]) => ({ name, value, inline: true })) };
    const discordRes = await post(`${discord.webhookUrl}?wait=true`, { embeds: [raw] });
    expect(discordRes.status).toBe(400);
    expect(await discordRes.json()).toMatchObject({ code: 50035, message: "Invalid Form Body", errors: { embeds: { 0: { title: {}, description: {}, fields: {} } } } });

    // Every block within its own limit, but 40 fields of 1,500 characters: too long in all.
    const fieldsBlock = (from: number) => ({ type: "section", fields: Array.from({ length: 10 }, (_, i) => ({ type: "mrkdwn", text: `*f${from + i}*\n${"v".repeat(1500)}` })) });
    const slackTotalRes = await post(slack.webhookUrl, { text: "x", blocks: [0, 10, 20, 30].map(fieldsBlock) });
    expect([slackTotalRes.status, await slackTotalRes.text()]).toEqual([400, "msg_blocks_too_long"]);

    const telegramRes = await post(`${telegram.apiUrl}/bot${telegram.token}/sendMessage`, { chat_id: "1", text: "<b>Ada</b> <ada@example.com>", parse_mode: "HTML" });
    expect(await telegramRes.json()).toMatchObject({ ok: false, error_code: 400, description: expect.stringContaining("can't parse entities") });
    const tooLong = await post(`${telegram.apiUrl}/bot${telegram.token}/sendMessage`, { chat_id: "1", text: "a".repeat(4097) });
    expect(await tooLong.json()).toMatchObject({ ok: false, description: "Bad Request: message is too long" });

    const slackRes = await post(slack.webhookUrl, { blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }] });
    expect([slackRes.status, await slackRes.text()]).toEqual([400, "invalid_blocks"]);

    const whatsappRes = await post(
      `${whatsapp.apiUrl}/${whatsapp.phoneNumberId}/messages`,
      { messaging_product: "whatsapp", to: "14155550123", type: "text", text: { body: "a".repeat(4097) } },
      { authorization: `Bearer ${whatsapp.token}` },
    );
    expect(whatsappRes.status).toBe(400);
    expect(await whatsappRes.json()).toMatchObject({ error: { code: 100, error_data: { details: "Param text['body'] must be at most 4096 characters long." } } });
  });
});
