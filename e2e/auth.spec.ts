import { expect, test } from "@playwright/test";
import { linkFromMail, mailCount } from "./support/mailbox";
import { OIDC_NAME } from "./support/ports";
import { PASSWORD, screenshot, signIn, signOut, signUp, uniqueEmail } from "./support/flows";

test("sign-up → welcome with the API key once → dashboard → sign-out → deep link → sign-in lands on it", async ({ page }) => {
  const email = uniqueEmail("journey");
  await page.goto("/");
  await screenshot(page, "landing");
  await page.goto("/sign-up");
  await screenshot(page, "sign-up");
  await signUp(page, email);

  const key = page.getByTestId("api-key");
  await expect(key).toHaveText(/^pp_[0-9A-Za-z]{43}$/);
  const shownKey = (await key.textContent())!;
  await expect(page.getByText(`Bearer ${shownKey}`).first()).toBeVisible();
  await screenshot(page, "welcome");

  // Shown once: a reload does not show it again.
  await page.reload();
  await expect(page.getByText(/already shown/i)).toBeVisible();
  await expect(page.getByTestId("api-key")).toHaveCount(0);

  await page.getByRole("link", { name: "Go to the dashboard" }).click();
  await page.waitForURL("**/dashboard");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await screenshot(page, "dashboard");

  await signOut(page);
  const deepLink = "/dashboard/settings/profile?tab=sessions";
  await page.goto(deepLink);
  await expect(page).toHaveURL(/\/sign-in\?redirect_url=%2Fdashboard%2Fsettings%2Fprofile%3Ftab%3Dsessions$/);
  await screenshot(page, "sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => url.pathname + url.search === deepLink);
  await expect(page.getByRole("button", { name: "Revoke" }).or(page.getByText("This device"))).toBeVisible();
  await screenshot(page, "settings-sessions");
});

test("a wrong password shows an error that does not reveal whether the account exists", async ({ page }) => {
  await signIn(page, uniqueEmail("nobody"), "some wrong password");
  const errorBox = page.getByRole("alert").filter({ hasText: /\S/ });
  const unknownMessage = await errorBox.textContent();
  const email = uniqueEmail("known");
  await signUp(page, email);
  await signOut(page);
  await signIn(page, email, "some wrong password");
  await expect(errorBox).toHaveText(unknownMessage!);
});

test.describe("open redirects on redirect_url all end on /dashboard", () => {
  const payloads = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(document.domain)",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/dashboard%0d%0aLocation:%20https://evil.example",
    "http:evil.example",
    "\\\\evil.example",
    "///evil.example",
    "data:text/html,hi",
  ];
  let email: string;
  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage();
    email = uniqueEmail("redirects");
    await signUp(page, email);
    await page.close();
  });
  for (const payload of payloads) {
    test(`redirect_url=${JSON.stringify(payload)}`, async ({ page }) => {
      await signIn(page, email, PASSWORD, payload);
      await page.waitForURL((url) => url.pathname === "/dashboard");
      expect(new URL(page.url()).origin).toBe(new URL(page.url()).origin);
      expect(page.url()).not.toContain("evil");
    });
  }
});

test("magic link: the link read from the mailbox signs in and lands on the deep link", async ({ page }) => {
  const email = uniqueEmail("magic");
  await signUp(page, email);
  await signOut(page);
  const before = mailCount(email);
  await page.goto(`/sign-in?redirect_url=${encodeURIComponent("/dashboard/settings/profile?tab=security")}`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByText(/check your inbox/i)).toBeVisible();
  const link = await linkFromMail(email, /sign-in link/i, before);
  await page.goto(link);
  await page.waitForURL((url) => url.pathname === "/dashboard/settings/profile" && url.searchParams.get("tab") === "security");
  await expect(page.getByLabel("Current password")).toBeVisible();
});

test("sign-out ends the session: the old cookie no longer opens anything", async ({ page, context }) => {
  await signUp(page, uniqueEmail("signout"));
  const before = (await context.cookies()).find((c) => c.name === "pingpilot.session_token");
  expect(before?.httpOnly).toBe(true);
  expect(before?.sameSite).toBe("Lax");
  await page.goto("/dashboard");
  await signOut(page);
  // Replay the old cookie: the server revoked the session.
  await context.addCookies([before!]);
  const res = await page.request.get("/trpc/user.me");
  expect(res.status()).toBe(401);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in\?redirect_url=%2Fdashboard$/);
});

test("password change: the new password works, the old one does not, other sessions end", async ({ page, browser }) => {
  const email = uniqueEmail("pwchange");
  await signUp(page, email);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, email);
  await otherPage.waitForURL("**/dashboard");

  await page.goto("/dashboard/settings/profile?tab=security");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a completely new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed", { exact: false }).first()).toBeVisible();
  await screenshot(page, "settings-security");

  expect((await otherPage.request.get("/trpc/user.me")).status()).toBe(401);
  await other.close();

  await signOut(page);
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toBeVisible();
  await signIn(page, email, "a completely new passphrase");
  await page.waitForURL("**/dashboard");
});

test("revoking another session from the sessions list signs that browser out", async ({ page, browser }) => {
  const email = uniqueEmail("revoke");
  await signUp(page, email);
  const other = await browser.newContext({ userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Firefox/130.0" });
  const otherPage = await other.newPage();
  await signIn(otherPage, email);
  await otherPage.waitForURL("**/dashboard");
  expect((await otherPage.request.get("/trpc/user.me")).status()).toBe(200);

  await page.goto("/dashboard/settings/profile?tab=sessions");
  await expect(page.getByTestId("session")).toHaveCount(2);
  await expect(page.getByText("This device")).toBeVisible();
  await page.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("session")).toHaveCount(1);

  expect((await otherPage.request.get("/trpc/user.me")).status()).toBe(401);
  await otherPage.goto("/dashboard");
  await expect(otherPage).toHaveURL(/\/sign-in/);
  await other.close();
  // This browser is still signed in.
  expect((await page.request.get("/trpc/user.me")).status()).toBe(200);
});

test("OAuth through a real OpenID Connect provider: a new user is onboarded, a returning one lands on the deep link", async ({ page }) => {
  const login = `sso${Date.now().toString(36)}`;
  const viaProvider = async (firstVisit: boolean) => {
    await page.getByRole("button", { name: `Continue with ${OIDC_NAME}` }).click();
    // The provider's own login and consent screens, on the first visit only (it remembers both).
    if (!firstVisit) return;
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
  };

  await page.goto("/sign-up");
  await viaProvider(true);
  await page.waitForURL((url) => url.pathname === "/welcome");
  await expect(page.getByTestId("api-key")).toHaveText(/^pp_/);
  const me = await (await page.request.get("/trpc/user.me")).json();
  expect(me.result.data).toMatchObject({ email: `${login}@sso.example`, emailVerified: true });

  await signOut(page);
  await page.goto(`/sign-in?redirect_url=${encodeURIComponent("/dashboard/settings/profile?tab=profile")}`);
  await viaProvider(false);
  await page.waitForURL((url) => url.pathname === "/dashboard/settings/profile" && url.searchParams.get("tab") === "profile");
});

test("a signed-in user who deletes the account loses access and the email is free again", async ({ page }) => {
  const email = uniqueEmail("delete");
  await signUp(page, email);
  await page.goto("/dashboard/settings/profile?tab=delete");
  await page.getByRole("button", { name: "Delete account" }).click();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  expect((await page.request.get("/trpc/user.me")).status()).toBe(401);
  await signUp(page, email);
});
