import { expect, test } from "@playwright/test";
import { screenshot, signUp, uniqueEmail } from "./support/flows";
import { E2E_BASE_URL } from "./support/ports";

test("the landing page's curl example is addressed to this instance", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByText(`curl -X POST ${E2E_BASE_URL}/api/v1/events`)).toBeVisible();
});

/** A screenshot of each remaining page at desktop and 360 px (no horizontal scroll), for review. */
test("every page renders and fits at 360 px", async ({ page }) => {
  for (const [name, path] of [
    ["forgot-password", "/forgot-password"],
    ["reset-password", "/reset-password?token=not-a-real-token"],
    ["not-found", "/this-page-does-not-exist"],
    ["docs-api-top", "/docs/api"],
  ] as const) {
    await page.goto(path);
    await screenshot(page, name);
  }
  await signUp(page, uniqueEmail("tour"));
  await page.getByRole("button", { name: "Create quick-start categories" }).click();
  for (const [name, path] of [
    ["settings-profile", "/dashboard/settings/profile?tab=profile"],
    ["settings-delete", "/dashboard/settings/profile?tab=delete"],
    ["dashboard-with-categories", "/dashboard"],
    ["category-not-found", "/dashboard/category/nope"],
    ["event-not-found", "/dashboard/events/00000000-0000-7000-8000-000000000000"],
  ] as const) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await screenshot(page, name);
  }
});
