import { mkdirSync } from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { startDiscordFake, type DiscordFake } from "../tests/fakes/discord.fake";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../tests/fakes/webhook-receiver.fake";
import { screenshot, signUp, uniqueEmail } from "./support/flows";
import { DISCORD_FAKE_BOT_TOKEN, DISCORD_FAKE_PORT } from "./support/ports";

let receiver: WebhookReceiverFake;
test.beforeAll(async () => {
  receiver = await startWebhookReceiverFake();
});
test.afterAll(async () => {
  await receiver.close();
});

test("webhook channel: configure, send test, deliver an event, see a failure and retry it from the event page", async ({ page }) => {
  await signUp(page, uniqueEmail("notify"));
  const key = (await page.getByTestId("api-key").textContent())!;
  const api = (path: string, data?: unknown) =>
    data === undefined ? page.request.get(path, { headers: { authorization: `Bearer ${key}` } }) : page.request.post(path, { headers: { authorization: `Bearer ${key}` }, data });
  expect((await api("/api/v1/categories", { name: "sale" })).status()).toBe(201);
  expect((await api("/api/v1/categories", { name: "bug" })).status()).toBe(201);

  await page.goto("/dashboard/settings/notifications");
  const card = page.getByTestId("channel-webhook");
  await card.getByLabel("Webhook URL").fill(receiver.webhookUrl);
  await card.getByRole("button", { name: "Save" }).click();
  const secret = (await card.getByTestId("webhook-secret").textContent())!.match(/whsec_[A-Za-z0-9+/=]+/)![0];
  receiver.setSecret(secret);
  await card.getByRole("switch", { name: "Enabled" }).click();
  await expect(card.getByRole("switch", { name: "Enabled" })).toBeChecked();
  await card.getByRole("button", { name: "Send test" }).click();
  await expect(card.getByTestId("test-result")).toContainText("Delivered");
  expect(receiver.received.at(-1)!.verified).toBe(true);

  // Opt "bug" out of the webhook.
  await card.getByTestId("category-opt-outs").locator("summary").click();
  await card.getByRole("checkbox", { name: "bug" }).uncheck();
  await screenshot(page, "settings-notifications");

  const quiet = await (await api("/api/v1/events", { category: "bug" })).json();
  expect(quiet.deliveries).toEqual([]);

  const sent = await (await api("/api/v1/events", { category: "sale", description: "Paid <b>invoice</b>", fields: { amount: 49 } })).json();
  expect(sent.deliveries).toEqual([{ channel: "webhook", status: "PENDING" }]);
  await page.goto(`/dashboard/events/${sent.id}`);
  await expect(page.locator('[data-testid="delivery"][data-channel="webhook"]')).toHaveAttribute("data-status", "DELIVERED");
  await expect(page.getByText("Paid <b>invoice</b>")).toBeVisible();
  const hook = receiver.received.find((r) => r.rawBody.includes(sent.id))!;
  expect(hook.verified).toBe(true);

  // A permanent refusal fails at once, shows the reason; "Retry now" delivers once the receiver is fixed.
  receiver.setPermanentFailure(410, { error: "endpoint gone" });
  const failing = await (await api("/api/v1/events", { category: "sale" })).json();
  await page.goto(`/dashboard/events/${failing.id}`);
  const row = page.locator('[data-testid="delivery"][data-channel="webhook"]');
  await expect(row).toHaveAttribute("data-status", "FAILED");
  await expect(row.getByTestId("delivery-error")).toContainText("410");
  await screenshot(page, "event-detail-failed");
  receiver.clearFailures();
  await row.getByRole("button", { name: "Retry now" }).click();
  await expect(row).toHaveAttribute("data-status", "DELIVERED");
  await expect(page.getByTestId("event-status")).toHaveAttribute("data-status", "DELIVERED");
});

/** One settings card at 1280 px and 360 px wide, for review (git-ignored folder). */
async function cardScreenshot(page: Page, card: Locator, name: string) {
  const dir = new URL(".screenshots/", import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const desktop = page.viewportSize();
  await card.screenshot({ path: `${dir}${name}-desktop.png` });
  await page.setViewportSize({ width: 360, height: 780 });
  await card.screenshot({ path: `${dir}${name}-360.png` });
  if (desktop) await page.setViewportSize(desktop);
}

test.describe("Discord DM", () => {
  let discord: DiscordFake;
  test.beforeAll(async () => {
    discord = await startDiscordFake({ port: DISCORD_FAKE_PORT, botToken: DISCORD_FAKE_BOT_TOKEN });
  });
  test.afterAll(async () => {
    await discord.close();
  });

  test("a typed Discord ID gets notifications only after the code the bot DMed to it is typed back", async ({ page }) => {
    const discordId = "80351110224678912";
    await signUp(page, uniqueEmail("discord"));
    await page.goto("/dashboard/settings/notifications");
    const card = page.getByTestId("channel-discord_dm");

    // Turning it on before the ID is proven is refused, with what to do instead.
    await card.getByLabel("Discord user ID").fill(discordId);
    await card.getByRole("switch", { name: "Enabled" }).click();
    await expect(card.getByRole("alert")).toContainText("Verify your Discord user ID first");
    await expect(card.getByRole("switch", { name: "Enabled" })).not.toBeChecked();
    await cardScreenshot(page, card, "discord-card-unverified");

    await card.getByRole("button", { name: "Send code" }).click();
    await expect(card.getByTestId("discord-code-panel")).toContainText(discordId);
    const dm = discord.dmsTo(discordId).at(-1)!;
    const code = /\*\*([0-9A-Z]{8})\*\*/.exec(dm.content)![1]!;

    await card.getByLabel("Code from Discord").fill(code === "00000000" ? "11111111" : "00000000");
    await card.getByRole("button", { name: "Verify" }).click();
    await expect(card.getByTestId("discord-code-panel").getByRole("alert")).toContainText("4 tries left");
    // The earlier "verify first" refusal is gone once the code is on its way.
    await expect(card.getByRole("alert")).toHaveCount(1);
    await screenshot(page, "settings-notifications-discord-code");
    await cardScreenshot(page, card, "discord-card-code");

    await card.getByLabel("Code from Discord").fill(code.toLowerCase());
    await card.getByLabel("Code from Discord").press("Enter");
    await expect(card.getByTestId("discord-verified")).toContainText(discordId);
    await expect(card.getByRole("switch", { name: "Enabled" })).toBeChecked();
    await screenshot(page, "settings-notifications-discord-verified");
    await cardScreenshot(page, card, "discord-card-verified");

    await card.getByRole("button", { name: "Send test" }).click();
    await expect(card.getByTestId("test-result")).toContainText("Delivered");
    expect(discord.dmsTo(discordId).at(-1)!.embeds).toHaveLength(1);
  });
});
