import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { connectDiscordAccount, createTelegramLinkCode } from "./notification.service";

let t: TestApp;
let u: { cookie: string; key: string };
let categories: Record<string, string>;
beforeAll(async () => {
  t = await startTestApp({
    env: {
      TELEGRAM_BOT_TOKEN: "123:fake",
      TELEGRAM_WEBHOOK_SECRET: "tg-secret-value",
      TELEGRAM_API_URL: "http://127.0.0.1:9",
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
      SLACK_WEBHOOK_URL_BASE: "http://127.0.0.1:9",
    },
  });
  u = await t.signUpWithKey("notify@example.com");
  await t.trpc("category.quickStart", u.cookie);
  const list = (await t.trpc("category.list", u.cookie, undefined, "query")).data as { id: string; name: string }[];
  categories = Object.fromEntries(list.map((c) => [c.name, c.id]));
});
afterAll(() => t.close());

const deliveriesOf = (eventId: string) => t.db.selectFrom("delivery").select(["channel", "status"]).where("event_id", "=", eventId).orderBy("channel").execute();

describe("channel settings and the outbox", () => {
  it("validates each channel's configuration with a clear message", async () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ["discord_dm", { discordUserId: "12345" }, /17–20 digits/],
      ["whatsapp", { phone: "0155 5555" }, /international format/],
      ["slack", { url: "not a url" }, /full URL/],
    ];
    for (const [channel, config, message] of bad) {
      const res = await t.trpc("notification.save", u.cookie, { channel, enabled: true, config });
      expect(res.error?.message).toMatch(message);
    }
    const strict = await startTestApp();
    try {
      const v = await strict.signUpWithKey("strict@example.com");
      const res = await strict.trpc("notification.save", v.cookie, { channel: "webhook", enabled: true, config: { url: "http://example.com/hook" } });
      expect(res.error?.message).toMatch(/https/);
    } finally {
      await strict.close();
    }
  });

  it("an event gets one PENDING delivery per enabled channel, written with it, minus per-category opt-outs", async () => {
    expect((await t.trpc("notification.save", u.cookie, { channel: "webhook", enabled: true, config: { url: "http://127.0.0.1:9/hook" } })).status).toBe(200);
    // A Discord ID counts once the server has proven it (here: as a Discord sign-in does).
    const userId = (await t.db.selectFrom("user").select("id").where("email", "=", "notify@example.com").executeTakeFirstOrThrow()).id;
    await connectDiscordAccount(t.db, userId, "123456789012345678", t.services.clock());
    expect((await t.trpc("notification.save", u.cookie, { channel: "discord_dm", enabled: true, config: { discordUserId: "123456789012345678" } })).status).toBe(200);
    expect((await t.trpc("notification.save", u.cookie, { channel: "slack", enabled: false, config: { url: "http://127.0.0.1:9/services/T0/B0/slack" } })).status).toBe(200);
    await t.trpc("notification.setOptOut", u.cookie, { channel: "discord_dm", categoryId: categories.bug, optedOut: true });

    const sale = await (await t.api("/api/v1/events", u.key, { json: { category: "sale" } })).json();
    expect(sale.deliveries).toEqual([
      { channel: "discord_dm", status: "PENDING" },
      { channel: "webhook", status: "PENDING" },
    ]);
    expect(sale.warning).toBeUndefined();
    expect(await deliveriesOf(sale.id)).toEqual([
      { channel: "discord_dm", status: "PENDING" },
      { channel: "webhook", status: "PENDING" },
    ]);
    const bug = await (await t.api("/api/v1/events", u.key, { json: { category: "bug" } })).json();
    expect((await deliveriesOf(bug.id)).map((d) => d.channel)).toEqual(["webhook"]);
    const quiet = await (await t.api("/api/v1/events", u.key, { json: { category: "sale", notify: false } })).json();
    expect(await deliveriesOf(quiet.id)).toEqual([]);
    const event = await t.db.selectFrom("event").select("status").where("id", "=", sale.id).executeTakeFirstOrThrow();
    expect(event.status).toBe("PENDING");

    const settings = (await t.trpc("notification.list", u.cookie, undefined, "query")).data as { channel: string; config: { secret?: string }; optedOutCategoryIds: string[] }[];
    expect(settings.find((s) => s.channel === "webhook")!.config.secret).toMatch(/^whsec_/);
    expect(settings.find((s) => s.channel === "discord_dm")!.optedOutCategoryIds).toEqual([categories.bug]);
  });

  it("the event detail shows its deliveries, to its owner only", async () => {
    const sent = await (await t.api("/api/v1/events", u.key, { json: { category: "question" } })).json();
    const detail = await (await t.api(`/api/v1/events/${sent.id}`, u.key)).json();
    expect(detail).toMatchObject({ id: sent.id, category: "question", status: "PENDING" });
    expect(detail.deliveries.map((d: { channel: string; attempts: number }) => [d.channel, d.attempts])).toEqual([
      ["discord_dm", 0],
      ["webhook", 0],
    ]);
    const other = await t.signUpWithKey("other-notify@example.com");
    expect((await t.api(`/api/v1/events/${sent.id}`, other.key)).status).toBe(404);
    expect((await t.trpc("event.get", other.cookie, { id: sent.id }, "query")).error.data.code).toBe("NOT_FOUND");
    const anyDelivery = detail.deliveries[0].id;
    expect((await t.trpc("delivery.retry", other.cookie, { id: anyDelivery })).error.data.code).toBe("NOT_FOUND");
    expect((await t.trpc("notification.setOptOut", other.cookie, { channel: "webhook", categoryId: categories.sale, optedOut: true })).error.data.code).toBe("NOT_FOUND");
  });

  it("email can be enabled only with a verified address", async () => {
    const res = await t.trpc("notification.save", u.cookie, { channel: "email", enabled: true, config: {} });
    expect(res.error?.message).toMatch(/Confirm your email/);
  });
});

describe("Telegram linking", () => {
  const update = (text: string, chatId = 4242) => ({ update_id: 1, message: { message_id: 1, text, chat: { id: chatId, type: "private", username: "ada" } } });
  const hook = (body: unknown, secret?: string) =>
    t.request("/api/webhooks/telegram", { method: "POST", body: JSON.stringify(body), headers: secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret } });

  it("refuses a missing or wrong secret token and links nothing", async () => {
    const { code } = (await t.trpc("notification.telegramLinkCode", u.cookie)).data;
    expect((await hook(update(`/start ${code}`))).status).toBe(401);
    expect((await hook(update(`/start ${code}`), "wrong-secret-value")).status).toBe(401);
    const row = await t.db.selectFrom("notification_channel").selectAll().where("channel", "=", "telegram").executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it("a link code works once, then never again", async () => {
    const { code, command } = (await t.trpc("notification.telegramLinkCode", u.cookie)).data;
    expect(command).toBe(`/start ${code}`);
    expect((await hook(update(`/start ${code}`, 777), "tg-secret-value")).status).toBe(200);
    const settings = (await t.trpc("notification.list", u.cookie, undefined, "query")).data as { channel: string; enabled: boolean; config: { chatId?: string } }[];
    expect(settings.find((s) => s.channel === "telegram")).toMatchObject({ enabled: true, config: { chatId: "777" } });

    // A second use (another chat) changes nothing.
    expect((await hook(update(`/start ${code}`, 999), "tg-secret-value")).status).toBe(200);
    const again = (await t.trpc("notification.list", u.cookie, undefined, "query")).data as { channel: string; config: { chatId?: string } }[];
    expect(again.find((s) => s.channel === "telegram")!.config.chatId).toBe("777");
    // The API key is never the link code.
    expect(code).not.toContain("pp_");
  });

  it("an expired code does not link", async () => {
    const other = await t.signUpWithKey("telegram-late@example.com");
    const userId = (await t.db.selectFrom("user").select("id").where("email", "=", "telegram-late@example.com").executeTakeFirstOrThrow()).id;
    const { code } = await createTelegramLinkCode(t.db, userId, new Date(t.services.clock().getTime() - 16 * 60 * 1000));
    expect((await hook(update(`/start ${code}`, 555), "tg-secret-value")).status).toBe(200);
    const settings = (await t.trpc("notification.list", other.cookie, undefined, "query")).data as { channel: string; config: { chatId?: string } }[];
    expect(settings.find((s) => s.channel === "telegram")!.config.chatId).toBeUndefined();
  });
});

describe("Discord sign-in", () => {
  it("fills in the Discord ID of the Discord DM channel", async () => {
    const v = await t.signUpWithKey("discord-user@example.com");
    const authUser = await t.db.selectFrom("auth_user").select("id").where("email", "=", "discord-user@example.com").executeTakeFirstOrThrow();
    const ctx = await t.services.auth.$context;
    // What Better Auth does when this user signs in with Discord (account linking).
    await ctx.internalAdapter.createAccount({ providerId: "discord", accountId: "80351110224678912", userId: authUser.id });
    const settings = (await t.trpc("notification.list", v.cookie, undefined, "query")).data as { channel: string; enabled: boolean; config: { discordUserId?: string } }[];
    expect(settings.find((s) => s.channel === "discord_dm")).toMatchObject({ enabled: false, config: { discordUserId: "80351110224678912" } });
  });
});
