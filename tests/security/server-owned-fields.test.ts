/**
 * Finding 5: the client cannot set fields only the server may own. The Telegram chat is set only
 * by redeeming a /start code; the Discord DM channel only by the bot opening it; a Discord user ID
 * counts only once a code the bot DMed to it comes back, or a Discord sign-in provides it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryWorker } from "@/server/delivery/delivery.worker";
import { startDiscordFake, type DiscordFake } from "../fakes/discord.fake";
import { startTestApp, type TestApp } from "../support/test-app";

const ALICE_DISCORD = "80351110224678912";
const OTHER_DISCORD = "223456789012345678";
const MINUTE = 60_000;

let discord: DiscordFake;
let t: TestApp;
const clock = { now: Date.parse("2026-12-01T10:00:00.000Z") };

beforeAll(async () => {
  discord = await startDiscordFake();
  t = await startTestApp({
    clock,
    env: {
      DISCORD_BOT_TOKEN: discord.botToken,
      DISCORD_API_URL: discord.apiUrl,
      TELEGRAM_BOT_TOKEN: "123:fake",
      TELEGRAM_WEBHOOK_SECRET: "tg-secret-value",
      // Replies to /start go nowhere; the link itself is what is tested.
      TELEGRAM_API_URL: "http://127.0.0.1:9",
      API_RATE_LIMIT_BURST: "100000",
      API_RATE_LIMIT_PER_SECOND: "100000",
    },
  });
});
afterAll(async () => {
  await t?.close();
  await discord?.close();
});

let counter = 0;
async function newUser() {
  const email = `owned-${++counter}@example.com`;
  const { cookie, key } = await t.signUpWithKey(email);
  const id = (await t.db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
  return { cookie, key, id };
}

type Setting = { channel: string; enabled: boolean; config: Record<string, unknown>; discord?: { verified: boolean; pending: { discordUserId: string } | null } };
const settingsOf = async (cookie: string, channel: string) => ((await t.trpc("notification.list", cookie, undefined, "query")).data as Setting[]).find((s) => s.channel === channel)!;
const rowOf = (userId: string, channel: string) => t.db.selectFrom("notification_channel").selectAll().where("user_id", "=", userId).where("channel", "=", channel).executeTakeFirst();
const save = (cookie: string, channel: string, enabled: boolean, config: Record<string, unknown>) => t.trpc("notification.save", cookie, { channel, enabled, config });
const startCode = (cookie: string, discordUserId: string) => t.trpc("notification.discordStartVerification", cookie, { discordUserId });
const confirm = (cookie: string, code: string) => t.trpc("notification.discordConfirm", cookie, { code });
/** The code as the Discord user reads it in the bot's DM. */
const codeDmedTo = (discordUserId: string) => {
  const content = discord.dmsTo(discordUserId).at(-1)?.content ?? "";
  return /\*\*([0-9A-Z]{8})\*\*/.exec(content)?.[1];
};
const wrongCode = (code: string) => (code === "ZZZZZZZZ" ? "YYYYYYYY" : "ZZZZZZZZ");

describe("the settings form cannot set server-owned fields", () => {
  it("refuses chatId, username, dmChannelId, verified and any unknown key with 422 naming the key, and stores nothing", async () => {
    const u = await newUser();
    const attempts: [string, Record<string, unknown>, string][] = [
      ["telegram", { chatId: "424242" }, "chatId"],
      ["telegram", { chatId: 424242, username: "mallory" }, "chatId"],
      ["telegram", { username: "mallory" }, "username"],
      ["discord_dm", { discordUserId: ALICE_DISCORD, dmChannelId: "1234567890123456789" }, "dmChannelId"],
      ["discord_dm", { discordUserId: ALICE_DISCORD, verified: true }, "verified"],
      ["discord_dm", { discordUserId: ALICE_DISCORD, verifiedDiscordUserId: ALICE_DISCORD }, "verifiedDiscordUserId"],
      ["discord_dm", { discordUserId: ALICE_DISCORD, somethingElse: 1 }, "somethingElse"],
      ["webhook", { url: "https://hooks.example.com/in", secret: "whsec_chosen-by-the-client" }, "secret"],
    ];
    for (const [channel, config, key] of attempts) {
      for (const enabled of [true, false]) {
        const res = await save(u.cookie, channel, enabled, config);
        expect(res.status, `${channel} ${key}`).toBe(422);
        expect(res.error.data.appCode).toBe("VALIDATION_FAILED");
        expect(res.error.message).toContain(`"${key}"`);
      }
    }
    expect(await t.db.selectFrom("notification_channel").select("channel").where("user_id", "=", u.id).execute()).toEqual([]);
  });

  it("keeps the server-owned fields already stored on save; a changed Discord ID loses its DM channel and verification", async () => {
    const u = await newUser();
    expect((await startCode(u.cookie, ALICE_DISCORD)).status).toBe(200);
    expect((await confirm(u.cookie, codeDmedTo(ALICE_DISCORD)!)).status).toBe(200);
    const verified = JSON.parse((await rowOf(u.id, "discord_dm"))!.config);
    expect(verified).toMatchObject({ discordUserId: ALICE_DISCORD, verifiedDiscordUserId: ALICE_DISCORD, dmChannelId: discord.dmChannelOf(ALICE_DISCORD) });

    expect((await save(u.cookie, "discord_dm", false, { discordUserId: ALICE_DISCORD })).status).toBe(200);
    expect(JSON.parse((await rowOf(u.id, "discord_dm"))!.config)).toEqual(verified);

    expect((await save(u.cookie, "discord_dm", false, { discordUserId: OTHER_DISCORD })).status).toBe(200);
    const changed = JSON.parse((await rowOf(u.id, "discord_dm"))!.config);
    expect(changed).toEqual({ discordUserId: OTHER_DISCORD });
    // Back to the old ID: still unproven until a new code comes back.
    expect((await save(u.cookie, "discord_dm", true, { discordUserId: ALICE_DISCORD })).status).toBe(422);
    expect(JSON.parse((await rowOf(u.id, "discord_dm"))!.config)).toEqual(changed);
  });
});

describe("a typed Discord user ID", () => {
  it("is not used for delivery until the code the bot DMed to it is confirmed", async () => {
    const u = await newUser();
    expect((await save(u.cookie, "discord_dm", false, { discordUserId: ALICE_DISCORD })).status).toBe(200);
    const enabling = await save(u.cookie, "discord_dm", true, { discordUserId: ALICE_DISCORD });
    expect(enabling.status).toBe(422);
    expect(enabling.error.message).toMatch(/Verify your Discord user ID first/);
    expect((await rowOf(u.id, "discord_dm"))!.enabled).toBeFalsy();

    // As a row saved before verification existed: enabled, with a typed ID. Nothing reaches Discord.
    await t.db.updateTable("notification_channel").set({ enabled: 1 }).where("user_id", "=", u.id).where("channel", "=", "discord_dm").execute();
    discord.reset();
    const test = await t.trpc("notification.sendTest", u.cookie, { channel: "discord_dm" });
    expect(test.data ?? test.error).toMatchObject({ ok: false, error: "Discord user ID not verified" });
    const worker = createDeliveryWorker(t.services, { schedule: [50], idleMs: 20, leaseMs: 30_000 });
    worker.start();
    try {
      const cat = await t.api("/api/v1/categories", u.key, { json: { name: "sale" } });
      expect(cat.status).toBe(201);
      const sent = await (await t.api("/api/v1/events", u.key, { json: { category: "sale" } })).json();
      await expect
        .poll(async () => (await (await t.api(`/api/v1/events/${sent.id}`, u.key)).json()).deliveries[0], { timeout: 10_000, interval: 50 })
        .toMatchObject({ channel: "discord_dm", status: "FAILED", lastError: "Discord user ID not verified" });
    } finally {
      await worker.stop();
    }
    expect(discord.received).toEqual([]);
  });

  it("gets a one-time code by DM from the bot, and the confirmed code verifies and turns the channel on", async () => {
    const u = await newUser();
    discord.reset();
    const started = await startCode(u.cookie, ALICE_DISCORD);
    expect(started.status).toBe(200);
    expect(started.data).toMatchObject({ discordUserId: ALICE_DISCORD, codeLength: 8 });
    expect(discord.received.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/v10/users/@me/channels", `POST /api/v10/channels/${discord.dmChannelOf(ALICE_DISCORD)}/messages`]);
    const code = codeDmedTo(ALICE_DISCORD)!;
    expect(code).toMatch(/^[0-9A-Z]{8}$/);
    // Only a hash is stored, and nothing about the code reaches the settings the browser reads.
    const stored = await t.db.selectFrom("discord_verification").selectAll().where("user_id", "=", u.id).execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(code);
    const pending = await settingsOf(u.cookie, "discord_dm");
    expect(pending.discord).toMatchObject({ verified: false, pending: { discordUserId: ALICE_DISCORD } });
    expect(JSON.stringify(pending)).not.toContain(stored[0]!.code_hash);
    // The typed ID is not stored as the recipient until the code comes back.
    expect(await rowOf(u.id, "discord_dm")).toBeUndefined();

    expect((await confirm(u.cookie, ` ${code.toLowerCase().slice(0, 4)}-${code.toLowerCase().slice(4)} `)).status).toBe(200);
    const settings = await settingsOf(u.cookie, "discord_dm");
    expect(settings).toMatchObject({ enabled: true, config: { discordUserId: ALICE_DISCORD }, discord: { verified: true, pending: null } });

    const test = await t.trpc("notification.sendTest", u.cookie, { channel: "discord_dm" });
    expect(test.data).toMatchObject({ ok: true });
    expect(discord.dmsTo(ALICE_DISCORD).at(-1)!.embeds).toHaveLength(1);
  });

  it("refuses wrong, expired and reused codes, and a code after too many wrong tries", async () => {
    const u = await newUser();
    await startCode(u.cookie, ALICE_DISCORD);
    const code = codeDmedTo(ALICE_DISCORD)!;
    const wrong = await confirm(u.cookie, wrongCode(code));
    expect(wrong.status).toBe(422);
    expect(wrong.error.message).toMatch(/not right\. 4 tries left/);
    expect((await confirm(u.cookie, "short")).status).toBe(422);
    expect(await rowOf(u.id, "discord_dm")).toBeUndefined();

    expect((await confirm(u.cookie, code)).status).toBe(200);
    const reused = await confirm(u.cookie, code);
    expect(reused.status).toBe(422);
    expect(reused.error.message).toMatch(/No code is waiting/);

    // Expired: 15 minutes.
    const late = await newUser();
    await startCode(late.cookie, OTHER_DISCORD);
    const lateCode = codeDmedTo(OTHER_DISCORD)!;
    clock.now += 15 * MINUTE + 1000;
    const expired = await confirm(late.cookie, lateCode);
    expect(expired.status).toBe(422);
    expect(expired.error.message).toMatch(/expired/);
    expect(await rowOf(late.id, "discord_dm")).toBeUndefined();

    // Five wrong tries burn the code, even in parallel; the right code no longer works after.
    const guesser = await newUser();
    await startCode(guesser.cookie, OTHER_DISCORD);
    const target = codeDmedTo(OTHER_DISCORD)!;
    const guesses = await Promise.all(Array.from({ length: 8 }, () => confirm(guesser.cookie, wrongCode(target))));
    expect(guesses.filter((g) => g.status === 422)).toHaveLength(4);
    expect(guesses.filter((g) => g.status === 429)).toHaveLength(4);
    const after = await confirm(guesser.cookie, target);
    expect(after.status).toBe(429);
    expect(await rowOf(guesser.id, "discord_dm")).toBeUndefined();

    // A code is its user's only: another account cannot redeem it.
    const owner = await newUser();
    const thief = await newUser();
    await startCode(owner.cookie, "323456789012345678");
    await startCode(thief.cookie, "423456789012345678");
    expect((await confirm(thief.cookie, codeDmedTo("323456789012345678")!)).status).toBe(422);
    expect(await rowOf(thief.id, "discord_dm")).toBeUndefined();
  });

  it("a new code or a changed ID retires the earlier code", async () => {
    const u = await newUser();
    await startCode(u.cookie, ALICE_DISCORD);
    const first = codeDmedTo(ALICE_DISCORD)!;
    await startCode(u.cookie, ALICE_DISCORD);
    const second = codeDmedTo(ALICE_DISCORD)!;
    expect(second).not.toBe(first);
    if (first !== second) expect((await confirm(u.cookie, first)).status).toBe(422);

    expect((await save(u.cookie, "discord_dm", false, { discordUserId: OTHER_DISCORD })).status).toBe(200);
    expect((await confirm(u.cookie, second)).status).toBe(422);
    expect(JSON.parse((await rowOf(u.id, "discord_dm"))!.config)).toEqual({ discordUserId: OTHER_DISCORD });
  });

  it("sends at most 3 codes per user in 10 minutes", async () => {
    const u = await newUser();
    for (let i = 0; i < 3; i++) expect((await startCode(u.cookie, ALICE_DISCORD)).status).toBe(200);
    const requests = discord.received.length;
    const limited = await startCode(u.cookie, OTHER_DISCORD);
    expect(limited.status).toBe(429);
    expect(limited.error.message).toMatch(/Try again in 10 minutes/);
    expect(discord.received.length).toBe(requests);
    clock.now += 10 * MINUTE + 1000;
    expect((await startCode(u.cookie, ALICE_DISCORD)).status).toBe(200);
  });

  it("explains when the bot cannot DM that user, and verifies nothing", async () => {
    const u = await newUser();
    discord.closeDms("523456789012345678");
    const res = await startCode(u.cookie, "523456789012345678");
    expect(res.status).toBe(422);
    expect(res.error.message).toMatch(/cannot send you a direct message/);
    expect((await confirm(u.cookie, "ABCDEFGH")).status).toBe(422);
    expect(await rowOf(u.id, "discord_dm")).toBeUndefined();
  });
});

describe("with Discord sign-in configured", () => {
  let oauth: TestApp;
  beforeAll(async () => {
    oauth = await startTestApp({
      env: { DISCORD_BOT_TOKEN: discord.botToken, DISCORD_API_URL: discord.apiUrl, DISCORD_CLIENT_ID: "discord-client", DISCORD_CLIENT_SECRET: "discord-secret" },
    });
  });
  afterAll(() => oauth?.close());

  it("refuses a typed Discord ID; the connected Discord account provides it, verified", async () => {
    const { cookie } = await oauth.signUpWithKey("discord-oauth@example.com");
    const typed = await oauth.trpc("notification.save", cookie, { channel: "discord_dm", enabled: false, config: { discordUserId: ALICE_DISCORD } });
    expect(typed.status).toBe(422);
    expect(typed.error.message).toMatch(/"discordUserId" cannot be set.*sign/i);
    expect((await oauth.trpc("notification.discordStartVerification", cookie, { discordUserId: ALICE_DISCORD })).status).toBe(422);
    expect(await oauth.db.selectFrom("notification_channel").select("channel").execute()).toEqual([]);
    expect((await oauth.trpc("notification.save", cookie, { channel: "discord_dm", enabled: true, config: {} })).error.message).toMatch(/Connect your Discord account/);

    // What Better Auth does when this user signs in with (or links) Discord.
    const authUser = await oauth.db.selectFrom("auth_user").select("id").where("email", "=", "discord-oauth@example.com").executeTakeFirstOrThrow();
    const ctx = await oauth.services.auth.$context;
    await ctx.internalAdapter.createAccount({ providerId: "discord", accountId: ALICE_DISCORD, userId: authUser.id });
    expect((await oauth.trpc("notification.save", cookie, { channel: "discord_dm", enabled: true, config: {} })).status).toBe(200);
    const list = (await oauth.trpc("notification.list", cookie, undefined, "query")).data as Setting[];
    expect(list.find((s) => s.channel === "discord_dm")).toMatchObject({
      enabled: true,
      config: { discordUserId: ALICE_DISCORD, verifiedDiscordUserId: ALICE_DISCORD, verifiedVia: "discord" },
      discord: { idFromSignIn: true, verified: true },
    });
  });
});

describe("Telegram", () => {
  const hook = (code: string, chatId: number) =>
    t.request("/api/webhooks/telegram", {
      method: "POST",
      body: JSON.stringify({ update_id: 1, message: { message_id: 1, text: `/start ${code}`, chat: { id: chatId, type: "private", username: "ada" } } }),
      headers: { "x-telegram-bot-api-secret-token": "tg-secret-value" },
    });

  it("the chat is set only by redeeming a /start code; saves keep it; unlinking clears it and retires open codes", async () => {
    const u = await newUser();
    expect((await save(u.cookie, "telegram", true, {})).error.message).toMatch(/Link Telegram first/);
    expect(await rowOf(u.id, "telegram")).toBeUndefined();

    const { code } = (await t.trpc("notification.telegramLinkCode", u.cookie)).data;
    const spare = (await t.trpc("notification.telegramLinkCode", u.cookie)).data.code;
    expect((await hook(code, 777)).status).toBe(200);
    expect(await settingsOf(u.cookie, "telegram")).toMatchObject({ enabled: true, config: { chatId: "777", username: "ada" } });

    expect((await save(u.cookie, "telegram", false, {})).status).toBe(200);
    expect(await settingsOf(u.cookie, "telegram")).toMatchObject({ enabled: false, config: { chatId: "777" } });
    expect((await save(u.cookie, "telegram", true, { chatId: "999" })).status).toBe(422);
    expect(await settingsOf(u.cookie, "telegram")).toMatchObject({ enabled: false, config: { chatId: "777" } });

    expect((await t.trpc("notification.telegramUnlink", u.cookie)).status).toBe(200);
    expect(await settingsOf(u.cookie, "telegram")).toMatchObject({ enabled: false, config: {} });
    expect((await settingsOf(u.cookie, "telegram")).config.chatId).toBeUndefined();
    expect((await hook(spare, 999)).status).toBe(200);
    expect((await settingsOf(u.cookie, "telegram")).config.chatId).toBeUndefined();
  });
});

describe("upgrading a database where clients could write these fields", () => {
  it("drops stored DM channels, keeps Discord IDs a Discord sign-in proved, and unlinks every Telegram chat (a form could have overwritten it)", async () => {
    const { up, down } = await import("@/server/db/migrations/20261201_create_discord_verification");
    const old = await startTestApp();
    try {
      const users = [];
      for (const email of ["signed-in@example.com", "typed@example.com", "linked@example.com", "forged@example.com"]) {
        await old.signUpWithKey(email);
        users.push(await old.db.selectFrom("user").select(["id", "external_id"]).where("email", "=", email).executeTakeFirstOrThrow());
      }
      const [signedIn, typed, linked, forged] = users as [
        { id: string; external_id: string },
        { id: string; external_id: string },
        { id: string; external_id: string },
        { id: string; external_id: string },
      ];
      const now = new Date().toISOString();
      const write = (userId: string, channel: string, enabled: boolean, config: Record<string, unknown>) =>
        old.db
          .insertInto("notification_channel")
          .values({ user_id: userId, channel, enabled: enabled ? 1 : 0, config: JSON.stringify(config), created_at: now, updated_at: now })
          .execute();
      await old.db
        .insertInto("auth_account")
        .values({ id: "acc-discord", account_id: ALICE_DISCORD, provider_id: "discord", user_id: signedIn.external_id, created_at: now, updated_at: now } as never)
        .execute();
      await write(signedIn.id, "discord_dm", true, { discordUserId: ALICE_DISCORD, dmChannelId: "111" });
      await write(typed.id, "discord_dm", true, { discordUserId: OTHER_DISCORD, dmChannelId: "222", verified: true });
      await old.db.insertInto("telegram_link").values({ code_hash: "h", user_id: linked.id, expires_at: now, used_at: now }).execute();
      await write(linked.id, "telegram", true, { chatId: "777", username: "ada" });
      await write(forged.id, "telegram", true, { chatId: "-100999" });

      await down(old.db as never);
      await up(old.db as never);
      const stored = async (userId: string, channel: string) => {
        const row = (await old.db.selectFrom("notification_channel").selectAll().where("user_id", "=", userId).where("channel", "=", channel).executeTakeFirstOrThrow())!;
        return { enabled: Boolean(row.enabled), config: JSON.parse(row.config) as Record<string, unknown> };
      };
      expect(await stored(signedIn.id, "discord_dm")).toEqual({ enabled: true, config: { discordUserId: ALICE_DISCORD, verifiedDiscordUserId: ALICE_DISCORD, verifiedVia: "discord" } });
      expect(await stored(typed.id, "discord_dm")).toEqual({ enabled: true, config: { discordUserId: OTHER_DISCORD } });
      expect(await stored(linked.id, "telegram")).toEqual({ enabled: false, config: {} });
      expect(await stored(forged.id, "telegram")).toEqual({ enabled: false, config: {} });
    } finally {
      await old.close();
    }
  });
});
