import { mkdirSync } from "node:fs";
import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../tests/fakes/webhook-receiver.fake";
import { signUp, uniqueEmail } from "./support/flows";

/** Review screenshots of the Monitors page (1280 and 360 px). */
const SCREENS = process.env.MONITOR_SCREENS_DIR ?? "/tmp/monitor-screens/";

let receiver: WebhookReceiverFake;
test.beforeAll(async () => {
  receiver = await startWebhookReceiverFake();
});
test.afterAll(async () => {
  await receiver.close();
});

/** A tRPC call with the page's session, as the dashboard makes it (no transformer: plain JSON). */
async function trpc<T>(page: Page, path: string, input: unknown, kind: "query" | "mutation" = "mutation"): Promise<T> {
  const res: APIResponse = kind === "mutation" ? await page.request.post(`/trpc/${path}`, { data: input }) : await page.request.get(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok() || !body.result) throw new Error(`${path} failed: ${res.status()} ${JSON.stringify(body.error ?? body)}`);
  return body.result.data;
}

/** Signs up, keeps the API key the welcome page shows, and creates categories through the public API. */
async function setUp(page: Page, label: string, categories: string[]) {
  await signUp(page, uniqueEmail(label));
  const key = (await page.getByTestId("api-key").textContent())!;
  const api = (path: string, data: unknown) => page.request.post(path, { headers: { authorization: `Bearer ${key}` }, data });
  for (const name of categories) expect((await api("/api/v1/categories", { name })).status()).toBe(201);
  const list = await trpc<{ id: string; name: string }[]>(page, "category.list", undefined, "query");
  const ids = Object.fromEntries(list.map((c) => [c.name, c.id]));
  return { key, api, ids };
}

/** The workspace's webhook channel pointed at the receiver fake, its signatures checked. */
async function enableWebhook(page: Page) {
  await page.goto("/dashboard/settings/notifications");
  const card = page.getByTestId("channel-webhook");
  await card.getByLabel("Webhook URL").fill(receiver.webhookUrl);
  await card.getByRole("button", { name: "Save" }).click();
  const secret = (await card.getByTestId("webhook-secret").textContent())!.match(/whsec_[A-Za-z0-9+/=]+/)![0];
  receiver.setSecret(secret);
  await card.getByRole("switch", { name: "Enabled" }).click();
  await expect(card.getByRole("switch", { name: "Enabled" })).toBeChecked();
}

/** Webhook bodies received since `since` that mention `text`. */
const hooksMentioning = (text: string, since: number) => receiver.received.slice(since).filter((r) => r.verified && r.rawBody.includes(text));

/** The page at 1280 and 360 px, once the toasts are gone; it must not scroll sideways at 360. */
async function shoot(page: Page, name: string, opts: { fullPage?: boolean } = {}) {
  mkdirSync(SCREENS, { recursive: true });
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0);
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${SCREENS}${name}-1280.png`, fullPage: opts.fullPage ?? true });
  await page.setViewportSize({ width: 360, height: 780 });
  // Charts resize a frame after the viewport does.
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), { message: `${name} scrolls horizontally at 360 px` })
    .toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENS}${name}-360.png`, fullPage: opts.fullPage ?? true });
  if (desktop) await page.setViewportSize(desktop);
}

/**
 * The shortest heartbeat period is 60 s (monitor.input.ts), too long to wait out here: the job
 * reports its failure through the ping URL's /fail instead, which takes the monitor down at once.
 */
test("a heartbeat goes down on a failed run, alerts the webhook, and recovers live when an event arrives", async ({ page }) => {
  test.setTimeout(120_000);
  const { api, ids } = await setUp(page, "monitor", ["backup"]);
  await enableWebhook(page);

  await page.goto("/dashboard");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Monitors" }).click();
  await page.waitForURL("**/dashboard/monitors");
  await expect(page.getByTestId("monitors-empty")).toBeVisible();
  await page.getByRole("button", { name: "Add monitor" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("radio", { name: "Heartbeat" })).toBeChecked();
  await dialog.getByLabel("Name", { exact: true }).fill("Nightly backup");
  await dialog.getByLabel("Category", { exact: true }).selectOption(ids.backup!);
  await dialog.getByLabel("Expect a ping every", { exact: true }).fill("5");
  await dialog.getByLabel("Expect a ping every: unit").selectOption("minutes");
  await dialog.getByLabel("Grace time", { exact: true }).fill("1");
  await dialog.getByLabel("Grace time: unit").selectOption("minutes");
  await dialog.getByRole("button", { name: "Create monitor" }).click();

  // The ping URL is shown once, with a cron example that uses it.
  const pingUrl = (await dialog.getByTestId("monitor-ping-url").textContent())!;
  expect(pingUrl).toMatch(/\/api\/v1\/ping\/[A-Za-z0-9_-]{20,}$/);
  await expect(dialog.getByTestId("monitor-cron-example")).toHaveText(`backup.sh && curl -fsS -X POST ${pingUrl}`);
  await shoot(page, "monitors-ping-url", { fullPage: false });
  await dialog.getByRole("button", { name: "Done" }).click();

  const row = page.locator('[data-testid="monitor-row"][data-monitor="Nightly backup"]');
  await expect(row).toHaveAttribute("data-state", "waiting");

  // The first ping brings it up (live: no reload from here on).
  expect((await page.request.post(pingUrl)).ok()).toBe(true);
  await expect(row).toHaveAttribute("data-state", "up", { timeout: 15_000 });

  // A failed run: down, an open incident, and the alert at the webhook.
  const before = receiver.received.length;
  expect((await page.request.post(`${pingUrl}/fail`)).ok()).toBe(true);
  await expect(row).toHaveAttribute("data-state", "down", { timeout: 15_000 });
  await expect(row.getByTestId("monitor-state")).toHaveText("Down");
  const incident = page.locator('[data-testid="incident-row"][data-monitor="Nightly backup"]').first();
  await expect(incident).toHaveAttribute("data-open", "true");
  await expect(incident.getByTestId("incident-ended")).toHaveText("Still open");
  await expect.poll(() => hooksMentioning("Nightly backup", before).length, { timeout: 15_000, message: "the down alert at the webhook" }).toBeGreaterThan(0);
  expect(hooksMentioning("Nightly backup", before)[0]!.rawBody).toContain("🔴");

  // The category card says so too, and links here.
  await page.goto("/dashboard");
  const badge = page.getByTestId("category-card").filter({ hasText: "backup" }).getByTestId("category-monitor-badge");
  await expect(badge).toHaveAttribute("data-state", "down");
  await expect(badge).toHaveText("Monitor: down");
  await shoot(page, "dashboard-monitor-badge");
  await page.goto("/dashboard/category/backup");
  await expect(page.getByTestId("category-monitor-badge")).toHaveText("Monitor: down");
  await shoot(page, "category-monitor-badge", { fullPage: false });
  await page.goto("/dashboard");
  await badge.click();
  await page.waitForURL("**/dashboard/monitors");
  await expect(row).toHaveAttribute("data-state", "down");

  // The job runs fine again and sends its event through the API: recovered live, the incident closed, a ✅ notice.
  const beforeRecovery = receiver.received.length;
  expect((await api("/api/v1/events", { category: "backup", description: "backup done" })).ok()).toBe(true);
  await expect(row).toHaveAttribute("data-state", "up", { timeout: 15_000 });
  await expect(incident).toHaveAttribute("data-open", "false");
  await expect(incident.getByTestId("incident-duration")).not.toHaveText("—");
  await expect
    .poll(() => hooksMentioning("Nightly backup", beforeRecovery).filter((r) => r.rawBody.includes("✅")).length, { timeout: 15_000, message: "the recovery notice at the webhook" })
    .toBeGreaterThan(0);
});

test("the Monitors page at a glance: several states, pause with confirmation, a threshold's live preview", async ({ page }) => {
  test.setTimeout(120_000);
  const { api, ids } = await setUp(page, "monitor-glance", ["backup", "sale", "signup", "reports"]);
  // Some real events for the threshold preview to count.
  for (let i = 0; i < 6; i++) expect((await api("/api/v1/events", { category: "sale", fields: { amount: 10 * (i + 1), plan: i % 2 ? "PRO" : "FREE" } })).ok()).toBe(true);

  const hour = 3600;
  const up = await trpc<{ id: string; pingToken?: string }>(page, "monitor.create", { name: "Hourly sync", categoryId: ids.backup, kind: "heartbeat", heartbeat: { every: hour, graceSeconds: 300 } });
  const down = await trpc<{ id: string; pingToken?: string }>(page, "monitor.create", {
    name: "Nightly backup",
    // Its own category: a ping is an event of the category, so every heartbeat there would hear it.
    categoryId: ids.reports,
    kind: "heartbeat",
    heartbeat: { cron: "0 3 * * *", timezone: "Europe/Berlin", graceSeconds: 600 },
  });
  await trpc(page, "monitor.create", { name: "Weekly report", categoryId: ids.signup, kind: "heartbeat", heartbeat: { every: 7 * 24 * hour, graceSeconds: hour } });
  await trpc(page, "monitor.create", {
    name: "Sales dropped",
    categoryId: ids.sale,
    kind: "threshold",
    threshold: { aggregate: "count", windowSeconds: hour, op: "<", bound: 1 },
    filter: null,
    renotifySeconds: null,
  });
  await trpc(page, "monitor.create", {
    name: "Big revenue hour",
    categoryId: ids.sale,
    kind: "threshold",
    threshold: { aggregate: "sum", field: "amount", windowSeconds: hour, op: ">=", bound: 100 },
    filter: null,
    renotifySeconds: 3600,
  });
  const paused = await trpc<{ id: string }>(page, "monitor.create", { name: "Old cron", categoryId: ids.signup, kind: "heartbeat", heartbeat: { every: 24 * hour, graceSeconds: 0 } });
  await page.goto("/dashboard/monitors");
  const rowOf = (name: string) => page.locator(`[data-testid="monitor-row"][data-monitor="${name}"]`);

  // A threshold with its preview over the last 7 days of real events.
  await page.getByRole("button", { name: "Add monitor" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: "Threshold" }).check({ force: true });
  await dialog.getByLabel("Name", { exact: true }).fill("Many sales");
  await dialog.getByLabel("Category", { exact: true }).selectOption(ids.sale!);
  await dialog.getByLabel("Measure").selectOption("count");
  await dialog.getByLabel("Over the last", { exact: true }).fill("1");
  await dialog.getByLabel("Over the last: unit").selectOption("hours");
  await dialog.getByLabel("Operator").selectOption(">=");
  await dialog.getByLabel("Bound", { exact: true }).fill("3");
  const fires = dialog.getByTestId("preview-fires");
  await expect(fires).toHaveAttribute("data-fires", /^[1-9]\d*$/);
  await expect(dialog.getByTestId("preview-sparkline")).toBeVisible();
  // Raising the bound above what happened: it would not have fired.
  await dialog.getByLabel("Bound", { exact: true }).fill("1000");
  await expect(fires).toHaveAttribute("data-fires", "0");
  await dialog.getByLabel("Bound", { exact: true }).fill("3");
  await expect(fires).toHaveAttribute("data-fires", /^[1-9]\d*$/);
  await shoot(page, "monitors-threshold-dialog", { fullPage: false });
  await dialog.getByRole("button", { name: "Create monitor" }).click();
  await expect(rowOf("Many sales")).toBeVisible();

  // Real pings and a pause: monitors in several states.
  expect((await page.request.post(`/api/v1/ping/${up.pingToken}`)).ok()).toBe(true);
  expect((await page.request.post(`/api/v1/ping/${down.pingToken}/fail`)).ok()).toBe(true);
  await trpc(page, "monitor.pause", { id: paused.id });

  await expect(rowOf("Hourly sync")).toHaveAttribute("data-state", "up");
  await expect(rowOf("Nightly backup")).toHaveAttribute("data-state", "down");
  await expect(rowOf("Weekly report")).toHaveAttribute("data-state", "waiting");
  await expect(rowOf("Old cron")).toHaveAttribute("data-state", "paused");
  // Worst first.
  await expect(page.getByTestId("monitor-row").first()).toHaveAttribute("data-state", /down|over/);
  await expect(page.locator('[data-testid="incident-row"][data-open="true"]').first()).toBeVisible();
  await shoot(page, "monitors-page");

  // Editing keeps the kind and changes the schedule.
  await rowOf("Weekly report").getByRole("button", { name: "Edit Weekly report" }).click();
  const edit = page.getByRole("dialog");
  await expect(edit.getByRole("radio", { name: "Heartbeat" })).toBeDisabled();
  await expect(edit.getByLabel("Expect a ping every", { exact: true })).toHaveValue("7");
  await expect(edit.getByLabel("Expect a ping every: unit")).toHaveValue("days");
  await edit.getByLabel("Expect a ping every", { exact: true }).fill("2");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit).toHaveCount(0);
  await expect(rowOf("Weekly report")).toContainText("Ping every 2 days, 1 h grace");

  // Pausing asks first.
  await rowOf("Hourly sync").getByRole("button", { name: "Pause Hourly sync" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("Pause Hourly sync?");
  await confirm.getByRole("button", { name: "Pause monitor" }).click();
  await expect(rowOf("Hourly sync")).toHaveAttribute("data-state", "paused");
  await rowOf("Hourly sync").getByRole("button", { name: "Resume Hourly sync" }).click();
  await expect(rowOf("Hourly sync")).not.toHaveAttribute("data-state", "paused");
});
