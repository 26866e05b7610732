import { expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";

export const PASSWORD = "e2e passphrase that is long";

let counter = 0;
export const uniqueEmail = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}@example.com`;

export async function signUp(page: Page, email: string, password = PASSWORD, name = "Ada Lovelace") {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/welcome");
}

export async function signIn(page: Page, email: string, password = PASSWORD, redirectUrl?: string) {
  await page.goto(redirectUrl === undefined ? "/sign-in" : `/sign-in?redirect_url=${encodeURIComponent(redirectUrl)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Signs out through the user menu of the app shell (opening the dashboard if another page is showing). */
export async function signOut(page: Page) {
  if (!new URL(page.url()).pathname.startsWith("/dashboard")) await page.goto("/dashboard");
  await page.getByRole("button", { name: "Open user menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.waitForURL("**/sign-in**");
}

const SHOTS = new URL("../.screenshots/", import.meta.url).pathname;

/** Full-page screenshots at desktop and 360 px width for review (git-ignored folder). */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  const desktop = page.viewportSize();
  await page.screenshot({ path: `${SHOTS}${name}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.screenshot({ path: `${SHOTS}${name}-360.png`, fullPage: true });
  if (desktop) await page.setViewportSize(desktop);
  expect(overflow, `${name} scrolls horizontally at 360 px`).toBeLessThanOrEqual(0);
}
