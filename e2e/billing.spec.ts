import { mkdirSync } from "node:fs";
import { type Browser, type BrowserContext, expect as baseExpect, type Page, test } from "@playwright/test";
import { BILLING_SERVER, type BillingServer, startBillingServer } from "./support/billing-server";
import { PASSWORD, signUp, uniqueEmail } from "./support/flows";
import { linkFromMail, mailCount } from "./support/mailbox";
import { BILLING_BASE_URL, E2E_BASE_URL } from "./support/ports";

/**
 * Plans people pay for, in a browser, against a second PingPilot with billing on (the Stripe fake
 * behind it; every other spec keeps global setup's billing-off server). Time passes for real:
 * the grace period and the billing sweep are seconds on this server (operator settings), and a
 * subscription's period end is whatever the fake says.
 */

// Checkout and the portal are round trips through a second server and redirects; a busy machine gets more time.
const expect = baseExpect.configure({ timeout: 20_000 });

let billing: BillingServer;
test.beforeAll(async () => {
  test.setTimeout(90_000);
  billing = await startBillingServer();
});
test.afterAll(async () => {
  await billing?.close();
});
// Relative URLs (page.goto, page.request, the flows' helpers) go to the billing server.
test.use({ baseURL: BILLING_BASE_URL });

/** Each test's browser contexts, closed after it (their live streams would hold the server's shutdown). */
let contexts: BrowserContext[] = [];
async function newPage(browser: Browser, baseURL = BILLING_BASE_URL) {
  const context = await browser.newContext({ baseURL });
  contexts.push(context);
  return context.newPage();
}
test.afterEach(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
});

const SHOTS = "/tmp/billing-screens/";

/** The page at 1280 px and at 360 px (full page), and no horizontal scrolling at 360 px. */
async function shoot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0);
  const before = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SHOTS}${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.screenshot({ path: `${SHOTS}${name}-360.png`, fullPage: true });
  if (before) await page.setViewportSize(before);
  expect(overflow, `${name} scrolls horizontally at 360 px`).toBeLessThanOrEqual(0);
}

type Owner = { page: Page; email: string; key: string; workspace: { id: string; slug: string; name: string } };

/** A new account on the billing server: its own workspace (FREE), its first API key, one category. */
async function newOwner(browser: Browser, label: string): Promise<Owner> {
  const page = await newPage(browser);
  const email = uniqueEmail(label);
  await signUp(page, email);
  const key = (await page.getByTestId("api-key").textContent())!;
  const created = await page.request.post("/api/v1/categories", { headers: { authorization: `Bearer ${key}` }, data: { name: "sale" } });
  expect(created.status()).toBe(201);
  const list = await page.request.get("/trpc/workspace.list");
  const [workspace] = (await list.json()).result.data as Owner["workspace"][];
  return { page, email, key, workspace: workspace! };
}

const sendEvent = (o: Owner) => o.page.request.post("/api/v1/events", { headers: { authorization: `Bearer ${o.key}` }, data: { category: "sale", fields: { amount: 1 } } });
const quotaOf = async (o: Owner) => (await (await o.page.request.get("/api/v1/quota", { headers: { authorization: `Bearer ${o.key}` } })).json()) as { plan: string; limit: number };

/** The fake's subscription of the workspace (its metadata names the workspace, as PingPilot's Checkout sets it). */
function subscriptionOf(o: Owner) {
  const sub = [...billing.stripe.subscriptions.values()].find((s) => s.metadata.workspace_id === o.workspace.id);
  if (!sub) throw new Error(`no subscription for ${o.workspace.slug}`);
  return sub;
}

const plansCard = (page: Page) => page.getByTestId("plans-card");
const planTile = (page: Page, plan: string) => plansCard(page).locator(`li[data-plan="${plan}"]`);

/** Upgrade on the usage page → Stripe's (fake) hosted Checkout pays → back on the usage page, PRO. */
async function subscribeToPro(o: Owner) {
  await o.page.goto("/dashboard/usage");
  await planTile(o.page, "PRO").getByRole("button", { name: "Upgrade to Pro" }).click();
  await expect(o.page.getByTestId("checkout-return")).toContainText("Payment received — this workspace is on the Pro plan now.");
  await expect(o.page.getByTestId("billing-status")).toContainText("Pro — renews on");
  return subscriptionOf(o);
}

test("FREE quota reached → Upgrade → Checkout → back on the usage page with PRO limits; only webhooks change the plan", async ({ browser }) => {
  const o = await newOwner(browser, "quota");
  const { page } = o;

  // The FREE limit (5 on this server) is used up; the next event is refused.
  for (let i = 0; i < BILLING_SERVER.freeEventLimit; i++) expect((await sendEvent(o)).status()).toBe(202);
  const refused = await sendEvent(o);
  expect(refused.status()).toBe(429);
  expect((await refused.json()).error.code).toBe("QUOTA_EXCEEDED");

  // The usage page: FREE, the plans with Upgrade buttons for an owner, no Manage billing yet.
  await page.goto("/dashboard/usage");
  await expect(page.getByTestId("billing-status")).toHaveText("No subscription — the workspace is on the Free plan.");
  await expect(planTile(page, "FREE")).toHaveAttribute("aria-current", "true");
  await expect(planTile(page, "PRO").getByRole("button", { name: "Upgrade to Pro" })).toBeVisible();
  await expect(planTile(page, "ENTERPRISE").getByRole("button", { name: "Upgrade to Enterprise" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Manage billing" })).toHaveCount(0);
  await expect(page.getByTestId("billing-banner")).toHaveCount(0);
  await shoot(page, "usage-free-upgrade");
  // Back from Checkout without paying (its cancel_url).
  await page.goto(`/dashboard/usage?workspace=${o.workspace.slug}&checkout=canceled`);
  await expect(page.getByTestId("checkout-return")).toHaveText("Checkout canceled — nothing was charged.");
  await expect(page.getByTestId("billing-status")).toContainText("Free plan");

  // The dashboard says the quota is reached and offers the upgrade.
  await page.goto("/dashboard");
  const usage = page.getByTestId("usage-card");
  await expect(usage).toContainText("Limit reached");
  await expect(usage.getByTestId("events-used")).toHaveText(String(BILLING_SERVER.freeEventLimit));
  const upgrade = usage.getByTestId("quota-upgrade").getByRole("link", { name: "Upgrade to Pro" });
  await expect(upgrade).toBeVisible();

  // Checkout: the fake's hosted page "pays" and sends the webhooks — held back here, so the
  // return page shows the wait, and the plan changes only when they arrive.
  billing.stripe.hold();
  await upgrade.click();
  await expect(page.getByTestId("checkout-return")).toContainText("Payment received — your plan updates in a moment");
  expect(new URL(page.url()).pathname).toBe("/dashboard/usage");
  expect(new URL(page.url()).searchParams.get("checkout")).toBe("success");
  expect(billing.stripe.held.map((e) => e.type)).toEqual(["checkout.session.completed", "customer.subscription.created", "invoice.paid"]);
  await expect(page.getByTestId("billing-status")).toContainText("Free plan");
  expect((await quotaOf(o)).plan).toBe("FREE");

  const deliveries = await billing.stripe.deliver(billing.stripe.release());
  expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
  // The page polls until the plan changes: PRO, its limits, the header rendered by the server too.
  await expect(page.getByTestId("checkout-return")).toContainText("Payment received — this workspace is on the Pro plan now.");
  await expect(page.getByTestId("billing-status")).toContainText("Pro — renews on");
  await expect(page.getByTestId("usage-card")).toContainText("/ 1,000");
  await expect(planTile(page, "PRO")).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("usage-summary")).toContainText("is on the Pro plan");
  await expect(page.getByRole("button", { name: "Manage billing" })).toBeVisible();
  await expect(plansCard(page).getByRole("button", { name: /Upgrade/ })).toHaveCount(0);
  // A reload does not repeat the message (the parameter is gone from the address).
  expect(new URL(page.url()).searchParams.get("checkout")).toBeNull();

  // The API agrees: PRO limits for the workspace's key, and events are accepted again.
  expect(await quotaOf(o)).toMatchObject({ plan: "PRO", limit: 1000 });
  expect((await sendEvent(o)).status()).toBe(202);
  await page.reload();
  await expect(page.getByTestId("checkout-return")).toHaveCount(0);
  await expect(page.getByTestId("events-used")).toHaveText(String(BILLING_SERVER.freeEventLimit + 1));
  await shoot(page, "usage-pro-subscribed");
});

test("Manage billing → cancel at period end: PRO until then ('cancels on …'), FREE after the sweep", async ({ browser }) => {
  const o = await newOwner(browser, "cancel");
  const { page } = o;
  const sub = await subscribeToPro(o);

  // Manage billing opens Stripe's portal for the workspace's customer.
  await page.getByRole("button", { name: "Manage billing" }).click();
  await page.waitForURL(`${billing.stripe.url}/portal/**`);
  await expect(page.locator("body")).toContainText("Stripe customer portal (fake)");

  // In the portal the customer cancels; the period ends a few seconds from now (the fake says so).
  const periodEnd = Math.floor(Date.now() / 1000) + 10;
  sub.items.data[0]!.current_period_end = periodEnd;
  const events = await billing.stripe.cancelAtPeriodEnd(sub.id);
  expect(billing.stripe.deliveries.filter((d) => events.some((e) => e.id === d.eventId)).map((d) => d.status)).toEqual([200]);

  await page.goto("/dashboard/usage");
  await expect(page.getByTestId("billing-status")).toContainText("Pro — cancels on");
  await expect(planTile(page, "PRO")).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("usage-card")).toContainText("/ 1,000");
  expect((await quotaOf(o)).plan).toBe("PRO");

  // No webhook comes at the period end: the worker's sweep (every second here) moves the plan, and
  // the open page follows by itself.
  await expect(page.getByTestId("billing-status")).toHaveText("The subscription has ended; the workspace is on the Free plan.", { timeout: 30_000 });
  expect(Date.now() / 1000).toBeGreaterThanOrEqual(periodEnd);
  await expect(planTile(page, "FREE")).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("usage-card")).toContainText(`/ ${BILLING_SERVER.freeEventLimit}`);
  await expect(planTile(page, "PRO").getByRole("button", { name: "Upgrade to Pro" })).toBeVisible();
  expect(await quotaOf(o)).toMatchObject({ plan: "FREE", limit: BILLING_SERVER.freeEventLimit });
});

test("a failed payment: banner for everyone (Manage billing for admins only), PRO through the grace period, then FREE", async ({ browser }) => {
  test.setTimeout(120_000);
  const o = await newOwner(browser, "fails");
  const { page } = o;

  // A member joins through an invitation (sign-up, confirmed address) before anything happens.
  const memberEmail = uniqueEmail("fails-member");
  await page.goto("/dashboard/settings/members");
  const inviteForm = page.getByRole("form", { name: "Invite by email" });
  await inviteForm.getByLabel("Email").fill(memberEmail);
  await inviteForm.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.locator(`[data-testid="invitation"][data-email="${memberEmail}"]`)).toBeVisible();
  const invitation = await linkFromMail(memberEmail, /invited you to/i);
  const member = await newPage(browser);
  await member.goto(invitation);
  await member.getByRole("link", { name: "Sign up" }).click();
  await member.getByLabel("Name").fill("Grace Hopper");
  await member.getByLabel("Email").fill(memberEmail);
  await member.getByLabel("Password").fill(PASSWORD);
  const mailsBefore = mailCount(memberEmail);
  await member.getByRole("button", { name: "Create account" }).click();
  await member.waitForURL((url) => url.pathname === new URL(invitation).pathname);
  await member.goto(await linkFromMail(memberEmail, /Confirm your email/i, mailsBefore));
  await member.getByRole("button", { name: `Join ${o.workspace.name}` }).click();
  await member.waitForURL((url) => url.pathname === "/dashboard" && url.searchParams.get("workspace") === o.workspace.slug);

  // A member sees the plan and its status, and no buttons.
  await member.goto(`/dashboard/usage?workspace=${o.workspace.slug}`);
  await expect(member.getByTestId("billing-status")).toContainText("Free plan");
  await expect(plansCard(member)).toContainText("Ask an owner or admin to upgrade.");
  await expect(plansCard(member).getByRole("button")).toHaveCount(0);
  // An upgrade link (from the pricing table) says whom to ask instead of starting Checkout.
  await member.goto(`/dashboard/usage?workspace=${o.workspace.slug}&upgrade=PRO`);
  await expect(member.getByTestId("upgrade-intent")).toContainText("Only the workspace's owners and admins can upgrade it.");
  expect(new URL(member.url()).origin).toBe(billing.baseUrl);

  const sub = await subscribeToPro(o);

  // The renewal fails: Stripe sends invoice.payment_failed and the subscription is past_due.
  const failedAt = Date.now();
  await billing.stripe.failPayment(sub.id);
  await page.reload();
  const banner = page.getByTestId("billing-banner");
  await expect(banner).toContainText("Your payment failed. Pro stays active until");
  await expect(banner).toContainText("update your payment method");
  await expect(banner.getByRole("button", { name: "Manage billing" })).toBeVisible();
  await expect(page.getByTestId("billing-status")).toContainText("Payment failed — Pro stays active until");
  await expect(planTile(page, "PRO")).toHaveAttribute("aria-current", "true");
  expect((await quotaOf(o)).plan).toBe("PRO");
  // A member sees the same banner without the button.
  await member.goto(`/dashboard/usage?workspace=${o.workspace.slug}`);
  const memberBanner = member.getByTestId("billing-banner");
  await expect(memberBanner).toContainText("Pro stays active until");
  await expect(memberBanner).toContainText("an owner or admin needs to update the payment method");
  await expect(memberBanner.getByRole("button")).toHaveCount(0);
  await expect(plansCard(member).getByRole("button")).toHaveCount(0);
  // The banner is in the app shell: on every page.
  await page.goto("/dashboard");
  await expect(page.getByTestId("billing-banner")).toContainText("Your payment failed.");
  await page.goto("/dashboard/usage");
  await shoot(page, "usage-past-due-banner");
  expect(Date.now() - failedAt, "the grace period outlasted the checks above").toBeLessThan(BILLING_SERVER.graceSeconds * 1000);

  // The grace period (15 s here) runs out: the sweep moves the workspace to FREE; both open pages follow.
  await expect(banner).toContainText("Your payment failed, so this workspace is on the Free plan.", { timeout: 30_000 });
  expect(Date.now() - failedAt).toBeGreaterThanOrEqual(BILLING_SERVER.graceSeconds * 1000);
  await expect(page.getByTestId("billing-status")).toContainText("Payment failed — the workspace is on the Free plan until the payment goes through.");
  await expect(planTile(page, "FREE")).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("usage-card")).toContainText(`/ ${BILLING_SERVER.freeEventLimit}`);
  await expect(memberBanner).toContainText("so it is on the Free plan until an owner or admin updates the payment method", { timeout: 30_000 });
  expect(await quotaOf(o)).toMatchObject({ plan: "FREE", limit: BILLING_SERVER.freeEventLimit });
  await shoot(page, "usage-past-due-after-grace");

  // Paid after all: PRO again, the banner goes.
  await billing.stripe.recoverPayment(sub.id);
  await page.reload();
  await expect(page.getByTestId("billing-status")).toContainText("Pro — renews on");
  await expect(page.getByTestId("billing-banner")).toHaveCount(0);
  expect((await quotaOf(o)).plan).toBe("PRO");
});

test("the landing page's pricing: signed out → sign up → Checkout for the chosen plan; signed in → Upgrade", async ({ browser }) => {
  const page = await newPage(browser);
  await page.goto("/");
  const pricing = page.locator('section[aria-labelledby="pricing"]');
  const startPro = pricing.getByRole("link", { name: "Start with PRO" });
  await expect(startPro).toHaveAttribute("href", `/sign-up?redirect_url=${encodeURIComponent("/dashboard/usage?upgrade=PRO")}`);
  await expect(pricing.getByRole("link", { name: "Start free" })).toHaveAttribute("href", "/sign-up");
  await startPro.click();
  await page.waitForURL("**/sign-up?**");
  await page.getByLabel("Name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill(uniqueEmail("landing"));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  // The new account lands on the usage page, which starts Checkout at once; the fake pays.
  await expect(page.getByTestId("checkout-return")).toContainText("Payment received — this workspace is on the Pro plan now.");
  await expect(page.getByTestId("billing-status")).toContainText("Pro — renews on");

  // Signed in (and subscribed): the pricing table offers upgrades; one to the plan it has says so.
  await page.goto("/");
  await expect(pricing.getByRole("link", { name: "Upgrade to ENTERPRISE" })).toHaveAttribute("href", "/dashboard/usage?upgrade=ENTERPRISE");
  await pricing.getByRole("link", { name: "Upgrade to PRO" }).click();
  await expect(page.getByTestId("upgrade-intent")).toContainText("already on the Pro plan");
  await page.goto("/dashboard/usage?upgrade=ENTERPRISE");
  await expect(page.getByTestId("upgrade-intent")).toContainText("change its plan in Manage billing");
});

test("billing off (global setup's server) looks as before: no upgrade buttons, no banner", async ({ browser }) => {
  const page = await newPage(browser, E2E_BASE_URL);
  await page.goto("/");
  const pricing = page.locator('section[aria-labelledby="pricing"]');
  await expect(pricing.getByRole("link", { name: "Start with PRO" })).toHaveAttribute("href", "/sign-up");
  await signUp(page, uniqueEmail("billing-off"));
  await page.goto("/dashboard/usage?upgrade=PRO");
  await expect(plansCard(page)).toContainText("Billing is not enabled on this server");
  await expect(plansCard(page).getByRole("button")).toHaveCount(0);
  await expect(page.getByTestId("upgrade-intent")).toHaveCount(0);
  await expect(page.getByTestId("billing-banner")).toHaveCount(0);
  await page.goto("/");
  await expect(pricing.getByRole("link")).toHaveCount(0);
});
