import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDiscordFake, type DiscordFake } from "../../../tests/fakes/discord.fake";
import { startSlackFake, type SlackFake } from "../../../tests/fakes/slack.fake";
import { startTelegramFake, type TelegramFake } from "../../../tests/fakes/telegram.fake";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../../../tests/fakes/webhook-receiver.fake";
import { startWhatsappFake, type WhatsappFake } from "../../../tests/fakes/whatsapp.fake";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { connectDiscordAccount } from "@/server/notification/notification.service";
import { createDeliveryWorker, type DeliveryWorker } from "./delivery.worker";

let discord: DiscordFake, telegram: TelegramFake, slack: SlackFake, whatsapp: WhatsappFake, receiver: WebhookReceiverFake;
let t: TestApp;
let worker: DeliveryWorker;
let u: { cookie: string; key: string };

/** Fast retries so outages play out in milliseconds; a provider's Retry-After still wins. */
const SCHEDULE = [50, 50, 50, 50];

beforeAll(async () => {
  [discord, telegram, slack, whatsapp, receiver] = await Promise.all([startDiscordFake(), startTelegramFake(), startSlackFake(), startWhatsappFake(), startWebhookReceiverFake()]);
  t = await startTestApp({
    env: {
      // The tests poll the event API every 50 ms.
      API_RATE_LIMIT_BURST: "100000",
      API_RATE_LIMIT_PER_SECOND: "100000",
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      // The fakes listen on 127.0.0.1; Slack webhooks are accepted under the fake's base.
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
      SLACK_WEBHOOK_URL_BASE: slack.url,
      DISCORD_BOT_TOKEN: discord.botToken,
      DISCORD_API_URL: discord.apiUrl,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_URL: telegram.url,
      WHATSAPP_TOKEN: whatsapp.token,
      WHATSAPP_PHONE_NUMBER_ID: whatsapp.phoneNumberId,
      WHATSAPP_API_URL: whatsapp.apiUrl,
    },
  });
  worker = createDeliveryWorker(t.services, { schedule: SCHEDULE, idleMs: 20, leaseMs: 30_000 });
  worker.start();
  u = await t.signUpWithKey("deliver@example.com");
  await t.db.updateTable("auth_user").set({ email_verified: 1 }).where("email", "=", "deliver@example.com").execute();
  await t.trpc("category.quickStart", u.cookie);
});
afterAll(async () => {
  await worker.stop();
  await t.close();
  await Promise.all([discord, telegram, slack, whatsapp, receiver].map((f) => f.close()));
});

async function enable(channel: string, config: Record<string, unknown> = {}) {
  const res = await t.trpc("notification.save", u.cookie, { channel, enabled: true, config });
  expect(res.error).toBeUndefined();
}
async function disableAll() {
  for (const channel of ["discord_dm", "discord_webhook", "telegram", "slack", "email", "whatsapp", "webhook"]) {
    await t.trpc("notification.save", u.cookie, { channel, enabled: false, config: {} }).catch(() => undefined);
  }
  await t.db.updateTable("notification_channel").set({ enabled: 0 }).execute();
  await t.db.updateTable("workspace_destination").set({ enabled: 0 }).execute();
}
const send = async (body: Record<string, unknown>) => {
  const res = await t.api("/api/v1/events", u.key, { json: body });
  expect(res.status).toBe(202);
  return (await res.json()) as { id: string; deliveries: { channel: string }[] };
};
const detail = async (id: string) =>
  (await (await t.api(`/api/v1/events/${id}`, u.key)).json()) as {
    status: string;
    deliveries: { id: string; channel: string; status: string; attempts: number; lastError: string | null; lastStatusCode: number | null }[];
  };
/**
 * Every delivery finished and the event's status rolled up. The roll-up follows each attempt's
 * own update, so a read between the two sees the last delivery done and the event still PENDING.
 */
const settled = (id: string) =>
  expect
    .poll(
      async () => {
        const event = await detail(id);
        return event.status !== "PENDING" && event.deliveries.every((d) => d.status === "DELIVERED" || d.status === "FAILED");
      },
      { timeout: 15_000, interval: 50 },
    )
    .toBe(true);

describe("delivery", () => {
  it("one event reaches all seven channels", async () => {
    await disableAll();
    const telegramChat = "555000111";
    await t.db
      .insertInto("notification_channel")
      .values({
        user_id: (await t.trpc("user.me", u.cookie, undefined, "query")).data.id,
        channel: "telegram",
        enabled: 1,
        config: JSON.stringify({ chatId: telegramChat }),
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.columns(["user_id", "channel"]).doUpdateSet({ enabled: 1, config: JSON.stringify({ chatId: telegramChat }) }))
      .execute();
    // Only the server proves a Discord ID (a confirmed code or a Discord sign-in): as a sign-in does.
    await connectDiscordAccount(t.db, (await t.trpc("user.me", u.cookie, undefined, "query")).data.id, "123456789012345678", t.services.clock());
    await enable("discord_dm", { discordUserId: "123456789012345678" });
    await enable("discord_webhook", { url: discord.webhookUrl });
    await enable("slack", { url: slack.webhookUrl });
    await enable("email");
    await enable("whatsapp", { phone: "+14155550123" });
    await enable("webhook", { url: receiver.webhookUrl });
    const settings = (await t.trpc("notification.list", u.cookie, undefined, "query")).data as { channel: string; config: { secret?: string } }[];
    receiver.setSecret(settings.find((s) => s.channel === "webhook")!.config.secret);

    const sentMails = t.mailer.sent.length;
    const before = { discord: discord.received.length, telegram: telegram.received.length, slack: slack.messages.length, whatsapp: whatsapp.received.length, hook: receiver.received.length };
    const event = await send({ category: "sale", description: "New PRO customer", fields: { plan: "PRO", amount: 49 } });
    expect(event.deliveries.map((d) => d.channel).sort()).toEqual(["discord_dm", "discord_webhook", "email", "slack", "telegram", "webhook", "whatsapp"]);
    await settled(event.id);
    const result = await detail(event.id);
    expect(result.deliveries.filter((d) => d.status !== "DELIVERED")).toEqual([]);
    expect(result.status).toBe("DELIVERED");

    expect(discord.received.length - before.discord).toBeGreaterThanOrEqual(2); // DM channel + message + webhook
    expect(telegram.received.length - before.telegram).toBe(1);
    expect(slack.messages.length - before.slack).toBe(1);
    expect(whatsapp.received.length - before.whatsapp).toBe(1);
    const hooks = receiver.received.slice(before.hook);
    expect(hooks.map((h) => h.verified)).toEqual([true]);
    expect(t.mailer.sent.slice(sentMails).map((m) => m.to)).toEqual(["deliver@example.com"]);
  });

  it("an oversized event (40 fields, 5,000-char description, 2,000-char values) is fitted, not failed, everywhere", async () => {
    const fields = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`field_${i}_${"n".repeat(40)}`, "v".repeat(1000) + i]));
    // The API allows 25 fields of 1,024 characters; the channels must fit even more, so write it directly.
    const event = await send({ category: "sale", description: "d".repeat(2000), fields });
    await t.db
      .updateTable("event")
      .set({
        description: "D".repeat(5000),
        fields: JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, "x".repeat(2000)]))),
      })
      .where("id", "=", event.id)
      .execute();
    await settled(event.id);
    const result = await detail(event.id);
    expect(result.deliveries.map((d) => [d.channel, d.status, d.lastError])).toEqual(result.deliveries.map((d) => [d.channel, "DELIVERED", null]));
  });

  it("waits out a 500 and a 429 with retry_after, then delivers", async () => {
    await disableAll();
    await enable("discord_webhook", { url: discord.webhookUrl });
    discord.failNext([{ status: 500 }, { status: 429, retryAfter: 1 }]);
    const start = Date.now();
    const event = await send({ category: "bug" });
    await settled(event.id);
    const [delivery] = (await detail(event.id)).deliveries;
    expect(delivery).toMatchObject({ channel: "discord_webhook", status: "DELIVERED", attempts: 3 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(1000);
    const attempts = await t.db
      .selectFrom("delivery_attempt")
      .select(["attempt", "outcome", "status_code", "started_at", "duration_ms"])
      .where("delivery_id", "=", delivery!.id)
      .orderBy("attempt")
      .execute();
    expect(attempts.map((a) => [a.attempt, a.outcome, a.status_code])).toEqual([
      [1, "retry", 500],
      [2, "retry", 429],
      [3, "delivered", 200],
    ]);
    const gap = new Date(attempts[2]!.started_at).getTime() - new Date(attempts[1]!.started_at).getTime();
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it("fails a permanent 4xx at once with the provider's reason, and 'retry now' delivers it later", async () => {
    await disableAll();
    await enable("slack", { url: slack.webhookUrl });
    slack.setPermanentFailure(404, "no_service");
    const event = await send({ category: "question" });
    await settled(event.id);
    let result = await detail(event.id);
    expect(result.status).toBe("FAILED");
    expect(result.deliveries[0]).toMatchObject({ status: "FAILED", attempts: 1, lastStatusCode: 404 });
    expect(result.deliveries[0]!.lastError).toMatch(/no_service/);

    slack.clearFailures();
    const retry = await t.trpc("delivery.retry", u.cookie, { id: result.deliveries[0]!.id });
    expect(retry.error).toBeUndefined();
    await settled(event.id);
    result = await detail(event.id);
    expect(result.status).toBe("DELIVERED");
    expect(result.deliveries[0]).toMatchObject({ status: "DELIVERED", attempts: 2 });
  });

  it("rolls the event up to PARTIAL when some channels fail", async () => {
    await disableAll();
    await enable("slack", { url: slack.webhookUrl });
    await enable("whatsapp", { phone: "+14155550123" });
    slack.setPermanentFailure(410, "channel_is_archived");
    const event = await send({ category: "sale" });
    await settled(event.id);
    slack.clearFailures();
    expect((await detail(event.id)).status).toBe("PARTIAL");
  });

  it("a retryable error that never clears fails after the last retry", async () => {
    await disableAll();
    await enable("whatsapp", { phone: "+14155550123" });
    whatsapp.setPermanentFailure(503);
    const event = await send({ category: "sale" });
    await settled(event.id);
    whatsapp.clearFailures();
    const [delivery] = (await detail(event.id)).deliveries;
    expect(delivery).toMatchObject({ status: "FAILED", attempts: SCHEDULE.length + 1, lastStatusCode: 503 });
  });
});

describe("event status under parallel deliveries", () => {
  it("is DELIVERED once all seven finish at the same time, every time", async () => {
    await disableAll();
    for (const [channel, config] of [
      ["discord_webhook", { url: discord.webhookUrl }],
      ["slack", { url: slack.webhookUrl }],
      ["whatsapp", { phone: "+14155550123" }],
      ["webhook", { url: receiver.webhookUrl }],
    ] as const) {
      await enable(channel, config);
    }
    receiver.setSecret(undefined);
    const events = await Promise.all(Array.from({ length: 10 }, () => send({ category: "sale" })));
    for (const e of events) await settled(e.id);
    const statuses = await Promise.all(events.map(async (e) => (await detail(e.id)).status));
    const failures = await Promise.all(events.map(async (e) => (await detail(e.id)).deliveries.filter((d) => d.status !== "DELIVERED")));
    expect(failures.flat()).toEqual([]);
    expect(statuses).toEqual(Array(10).fill("DELIVERED"));
  });
});
