import { expect, test, type Page } from "@playwright/test";
import { screenshot, signUp, uniqueEmail } from "./support/flows";

async function sendEvent(page: Page, key: string, category: string) {
  return page.request.post("/api/v1/events", { headers: { authorization: `Bearer ${key}` }, data: { category, fields: { amount: 1 } } });
}

test("categories on the dashboard: quick start, add with preset and custom style, count, edit, delete with its events", async ({ page }) => {
  await signUp(page, uniqueEmail("categories"));
  const key = (await page.getByTestId("api-key").textContent())!;
  await page.goto("/dashboard");
  await screenshot(page, "dashboard-empty");

  await page.getByRole("button", { name: "Quick start" }).first().click();
  await expect(page.getByTestId("category-card")).toHaveCount(3);

  await page.getByRole("button", { name: "Add category" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("New Signup");
  await expect(dialog.getByLabel("Name")).toHaveValue("new-signup");
  await dialog.getByRole("radio", { name: "#4ECDC4" }).click();
  await dialog.getByLabel("Custom emoji").fill("👤");
  await screenshot(page, "category-create-dialog");
  await dialog.getByRole("button", { name: "Create category" }).click();
  await expect(page.getByTestId("category-card").filter({ hasText: "new-signup" })).toBeVisible();

  // A duplicate name is refused with the server's reason, in the dialog.
  await page.getByRole("button", { name: "Add category" }).first().click();
  await page.getByRole("dialog").getByLabel("Name").fill("sale");
  await page.getByRole("dialog").getByRole("button", { name: "Create category" }).click();
  await expect(
    page
      .getByRole("dialog")
      .getByRole("alert")
      .filter({ hasText: /already has a category named "sale"/ }),
  ).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  for (let i = 0; i < 3; i++) expect((await sendEvent(page, key, "new-signup")).status()).toBe(202);
  await page.reload();
  const card = page.getByTestId("category-card").filter({ hasText: "new-signup" });
  await expect(card.getByTestId("events-this-month")).toHaveText("3");
  await screenshot(page, "dashboard-categories");

  await card.getByRole("button", { name: "Edit new-signup" }).click();
  await page.getByRole("dialog").getByRole("radio", { name: "#FF9F43" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);

  await card.getByRole("button", { name: "Delete new-signup" }).click();
  await expect(page.getByRole("alertdialog")).toContainText("3 events");
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete category" }).click();
  await expect(page.getByTestId("category-card").filter({ hasText: "new-signup" })).toHaveCount(0);
  const events = await (await page.request.get("/api/v1/events", { headers: { authorization: `Bearer ${key}` } })).json();
  expect(events.data).toEqual([]);
  expect((await sendEvent(page, key, "new-signup")).status()).toBe(404);
});

test("API keys page: create shows the key once, rotate replaces it, revoke stops it", async ({ page }) => {
  await signUp(page, uniqueEmail("keys"));
  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Quick start" }).first().click();
  await expect(page.getByTestId("category-card")).toHaveCount(3);

  await page.goto("/dashboard/api-keys");
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByRole("dialog").getByLabel("Key name").fill("production server");
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  const created = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(created).toMatch(/^pp_[0-9A-Za-z]{43}$/);
  await screenshot(page, "api-keys-created");
  expect((await sendEvent(page, created, "bug")).status()).toBe(202);
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText(created)).toHaveCount(0);

  const row = page.getByTestId("api-key-row").filter({ hasText: "production server" });
  await row.getByRole("button", { name: /Rotate/ }).click();
  await page.getByRole("button", { name: "Rotate key", exact: true }).click();
  const rotated = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(rotated).not.toBe(created);
  expect((await sendEvent(page, created, "bug")).status()).toBe(401);
  expect((await sendEvent(page, rotated, "bug")).status()).toBe(202);
  await page.getByRole("button", { name: "Done" }).click();

  const active = page.getByTestId("api-key-row").filter({ hasText: "production server" }).filter({ hasText: "Active" });
  await active.getByRole("button", { name: /Revoke/ }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("api-key-row").filter({ hasText: "production server" }).filter({ hasText: "Active" })).toHaveCount(0);
  expect((await sendEvent(page, rotated, "bug")).status()).toBe(401);
  await screenshot(page, "api-keys");
});

test("usage page and public API docs", async ({ page }) => {
  await signUp(page, uniqueEmail("usage"));
  await page.goto("/dashboard/usage");
  await expect(page.getByText(/Pro plan/i).first()).toBeVisible();
  await expect(page.getByText("0 / 1,000")).toBeVisible();
  await screenshot(page, "usage");

  // Every operation of the OpenAPI document is on the page, the batch endpoint included.
  const document = (await (await page.request.get("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods).filter((m) => ["get", "post", "put", "patch", "delete"].includes(m))).length;
  expect(operations).toBeGreaterThanOrEqual(7);
  await page.goto("/docs/api");
  await expect(page.getByTestId("api-endpoint")).toHaveCount(operations);
  await expect(page.getByTestId("api-endpoint").filter({ hasText: "/events/batch" })).toHaveCount(1);
  await expect(page.getByText("POST").first()).toBeVisible();
  await expect(page.getByRole("link", { name: /openapi\.json/ })).toBeVisible();
  await screenshot(page, "docs-api");
});
