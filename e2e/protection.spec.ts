import { expect, test } from "@playwright/test";

/** Signed-out HTTP behaviour of the real server (Hono in front of Next.js). */
test.describe("protection matrix", () => {
  for (const path of ["/dashboard", "/dashboard/settings/profile?tab=sessions", "/welcome", "/dashboard/anything/deep?x=1&y=2"]) {
    test(`page ${path} redirects to sign-in with the deep link`, async ({ request }) => {
      const res = await request.get(path, { maxRedirects: 0 });
      expect([302, 303, 307]).toContain(res.status());
      const location = new URL(res.headers().location!, "http://x");
      expect(location.pathname).toBe("/sign-in");
      expect(location.searchParams.get("redirect_url")).toBe(path);
    });
  }

  for (const path of ["/", "/sign-in", "/sign-up", "/sign-in?redirect_url=%2Fdashboard", "/forgot-password", "/this-page-does-not-exist"]) {
    test(`public page ${path} is never redirected`, async ({ request }) => {
      const res = await request.get(path, { maxRedirects: 0 });
      expect(res.status()).toBeLessThan(300 + (path === "/this-page-does-not-exist" ? 200 : 0));
      expect(res.headers().location).toBeUndefined();
    });
  }

  for (const path of ["/api/v1/events", "/api/v1/quota", "/trpc/user.me", "/api/private", "/api/auth/get-session", "/api/health"]) {
    test(`API ${path} is never redirected`, async ({ request }) => {
      const res = await request.get(path, { maxRedirects: 0 });
      expect(res.headers().location).toBeUndefined();
      expect(res.headers()["content-type"]).toMatch(/json/);
      if (!["/api/auth/get-session", "/api/health"].includes(path)) expect(res.status()).toBe(401);
    });
  }

  test("static assets are never redirected", async ({ request, page }) => {
    await page.goto("/sign-in");
    const asset = await page.evaluate(() => (document.querySelector('script[src*="/_next/static/"]') as HTMLScriptElement | null)?.getAttribute("src"));
    expect(asset).toBeTruthy();
    const res = await request.get(asset!, { maxRedirects: 0 });
    expect(res.status()).toBe(200);
  });

  test("an unknown page shows the 404 page", async ({ page }) => {
    const res = await page.goto("/this-page-does-not-exist");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("link", { name: /home/i })).toBeVisible();
  });
});

test("pages carry security headers", async ({ request }) => {
  const res = await request.get("/sign-in");
  expect(res.headers()["x-frame-options"]).toBe("DENY");
  expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
});
