import { expect, test } from "@playwright/test";
import { screenshot, signUp, uniqueEmail } from "./support/flows";

test("onboarding → quick start → events arrive live on the category page; sums, pagination, deletion", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, uniqueEmail("dash"));
  const key = (await page.getByTestId("api-key").textContent())!;
  const post = (data: unknown) => page.request.post("/api/v1/events", { headers: { authorization: `Bearer ${key}` }, data });

  // Welcome: quick start, then the live "waiting" turns into the first event.
  await page.getByRole("button", { name: "Create quick-start categories" }).click();
  await expect(page.getByTestId("quick-start-result")).toBeVisible();
  await expect(page.getByTestId("waiting-for-event")).toBeVisible();
  expect((await post({ category: "sale", fields: { amount: 1 } })).status()).toBe(202);
  await expect(page.getByTestId("first-event-received")).toBeVisible();
  await expect(page.getByTestId("first-event-category")).toContainText("sale");
  await screenshot(page, "welcome-first-event");

  await page.getByRole("link", { name: "Open the dashboard" }).click();
  await page.waitForURL("**/dashboard");
  await page.getByRole("link", { name: "question" }).first().click();
  await page.waitForURL("**/dashboard/category/question**");
  await expect(page.getByTestId("waiting-for-event")).toBeVisible();
  await screenshot(page, "category-empty");

  // Events sent while the page is open appear without a reload; totals and sums match.
  const amounts = [12.5, 30, 7.25, 100, 0.25];
  for (const [i, amount] of amounts.entries()) {
    expect((await post({ category: "question", description: `Question ${i}`, fields: { amount, seats: i + 1, plan: "PRO" } })).status()).toBe(202);
  }
  await expect(page.getByTestId("total-events")).toHaveText("5");
  await expect(page.getByTestId("sum-amount")).toHaveAttribute("data-value", String(amounts.reduce((a, b) => a + b, 0)));
  await expect(page.getByTestId("sum-seats")).toHaveAttribute("data-value", "15");
  await expect(page.getByTestId("sum-plan")).toHaveCount(0);
  await expect(page.getByTestId("event-row")).toHaveCount(5);
  await expect(page.getByTestId("event-row").first()).toContainText("Question 4");

  // More than a page: "Load more" walks every event exactly once.
  for (let i = 0; i < 60; i += 20) {
    const statuses = await Promise.all(Array.from({ length: 20 }, async (_, j) => (await post({ category: "question", fields: { n: i + j } })).status()));
    expect(statuses).toEqual(Array(20).fill(202));
  }
  await expect(page.getByTestId("total-events")).toHaveText("65");
  while (await page.getByRole("button", { name: "Load more" }).isVisible()) {
    await page.getByRole("button", { name: "Load more" }).click();
    await page.waitForTimeout(300);
  }
  const ids = await page.getByTestId("event-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-event-id")));
  expect(ids).toHaveLength(65);
  expect(new Set(ids).size).toBe(65);
  await screenshot(page, "category-page");

  for (const range of ["This week", "This month", "Today"]) {
    await page.getByRole("tab", { name: range }).click();
    await expect(page.getByTestId("total-events")).toHaveText("65");
  }

  // Deleting the category from the dashboard removes it and its events.
  await page.goto("/dashboard");
  const card = page.getByTestId("category-card").filter({ hasText: "question" });
  await card.getByRole("button", { name: "Delete question" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete category" }).click();
  await expect(page.getByTestId("category-card").filter({ hasText: "question" })).toHaveCount(0);
  const left = await (await page.request.get("/api/v1/events?limit=100", { headers: { authorization: `Bearer ${key}` } })).json();
  expect(left.data.map((e: { category: string }) => e.category)).toEqual(["sale"]);
});

test("every number on screen follows live events, counts are written alike, unknown pages answer 404", async ({ page }) => {
  await signUp(page, uniqueEmail("live-numbers"));
  const key = (await page.getByTestId("api-key").textContent())!;
  const post = (data: unknown) => page.request.post("/api/v1/events", { headers: { authorization: `Bearer ${key}` }, data });
  await page.getByRole("button", { name: "Create quick-start categories" }).click();
  await expect(page.getByTestId("quick-start-result")).toBeVisible();

  // The cards: this month's count and distinct field names, updated without a reload.
  await page.goto("/dashboard");
  const sale = page.getByTestId("category-card").filter({ hasText: "sale" });
  await expect(sale.getByTestId("fields-this-month")).toHaveText("No fields this month");
  expect((await post({ category: "sale", fields: { amount: 10, plan: "PRO" } })).status()).toBe(202);
  expect((await post({ category: "sale", fields: { amount: 5, coupon: "X" } })).status()).toBe(202);
  await expect(sale.getByTestId("events-this-month")).toHaveText("2");
  await expect(sale.getByTestId("fields-this-month")).toHaveText("3 unique fields this month");

  // The usage page follows too, well inside the query cache's 30 s.
  await page.goto("/dashboard/usage");
  await expect(page.getByTestId("events-used")).toHaveText("2");
  expect((await post({ category: "bug" })).status()).toBe(202);
  await expect(page.getByTestId("events-used")).toHaveText("3", { timeout: 5_000 });
  await expect(page.getByTestId("usage-card")).toContainText("/ 1,000");

  // Unknown category and event pages are real 404s, inside the app shell.
  const category = await page.goto("/dashboard/category/no-such-category");
  expect(category?.status()).toBe(404);
  await expect(page.getByTestId("category-not-found")).toBeVisible();
  const event = await page.goto("/dashboard/events/00000000-0000-7000-8000-000000000000");
  expect(event?.status()).toBe(404);
  await expect(page.getByTestId("event-not-found")).toBeVisible();
  expect((await page.goto("/dashboard/category/sale"))?.status()).toBe(200);

  const favicon = await page.request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toMatch(/image\//);
});
