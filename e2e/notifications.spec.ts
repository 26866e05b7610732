import { expect, test } from "@playwright/test";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../tests/fakes/webhook-receiver.fake";
import { screenshot, signUp, uniqueEmail } from "./support/flows";

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
    data === undefined
      ? page.request.get(path, { headers: { authorization: `Bearer ${key}` } })
      : page.request.post(path, { headers: { authorization: `Bearer ${key}` }, data });
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
