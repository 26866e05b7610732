import { expect, test, type Browser, type Page } from "@playwright/test";
import { PASSWORD, screenshot, signUp, uniqueEmail } from "./support/flows";
import { linkFromMail, mailCount, mailsContaining } from "./support/mailbox";

const SHOTS = new URL(".screenshots/", import.meta.url).pathname;

type Workspace = { id: string; name: string; slug: string; role: string };

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

/** The signed-in user's workspaces, straight from tRPC (what the switcher lists). */
async function workspacesOf(page: Page): Promise<Workspace[]> {
  const res = await page.request.get("/trpc/workspace.list");
  expect(res.status()).toBe(200);
  return (await res.json()).result.data;
}

/** Follows the newest "Confirm your email" link sent to `email` (email notifications need a verified address). */
async function confirmEmail(page: Page, email: string, since = 0) {
  const link = await linkFromMail(email, /Confirm your email/i, since);
  await page.goto(link);
}

/** Waits out the toasts, so screenshots show the page under them. */
async function shot(page: Page, name: string) {
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0);
  await screenshot(page, name);
}

/** Turns a personal channel on and waits until the server agrees. */
async function enableEmailChannel(page: Page) {
  await page.goto("/dashboard/settings/notifications");
  const card = page.getByTestId("personal-channels").getByTestId("channel-email");
  await expect(card.getByText("Verified")).toBeVisible();
  await card.getByRole("switch", { name: "Enabled" }).click();
  await expect(card.getByRole("switch", { name: "Enabled" })).toBeChecked();
  return card;
}

test("a team: invite by mail, join through sign-up, see the same events live, each member's own email, removal", async ({ browser }) => {
  test.setTimeout(180_000);
  const adaEmail = uniqueEmail("ada");
  const graceEmail = uniqueEmail("grace");
  const ada = await newPage(browser);
  const grace = await newPage(browser);

  // Ada signs up (her own workspace, its first key), confirms her email and creates two categories.
  await signUp(ada, adaEmail);
  const key = (await ada.getByTestId("api-key").textContent())!;
  const send = async (data: Record<string, unknown>) => {
    const res = await ada.request.post("/api/v1/events", { headers: { authorization: `Bearer ${key}` }, data });
    expect(res.status()).toBe(202);
    return (await res.json()) as { id: string };
  };
  await confirmEmail(ada, adaEmail);
  await ada.goto("/dashboard");
  for (const name of ["sale", "bug"]) {
    await ada.getByRole("button", { name: "Add category" }).first().click();
    await ada.getByRole("dialog").getByLabel("Name").fill(name);
    await ada.getByRole("dialog").getByRole("button", { name: "Create category" }).click();
    await expect(ada.getByRole("dialog")).toHaveCount(0);
  }
  await expect(ada.getByTestId("category-card")).toHaveCount(2);
  const [adaWorkspace] = await workspacesOf(ada);
  expect(adaWorkspace!.role).toBe("owner");
  await expect(ada.getByTestId("current-workspace").first()).toHaveText(adaWorkspace!.name);

  // Ada invites Grace as a member.
  await ada.goto("/dashboard/settings/members");
  const inviteForm = ada.getByRole("form", { name: "Invite by email" });
  await inviteForm.getByLabel("Email").fill(graceEmail);
  await inviteForm.getByRole("button", { name: "Send invitation" }).click();
  await expect(ada.locator(`[data-testid="invitation"][data-email="${graceEmail}"]`)).toBeVisible();

  // Grace opens the link from the mail signed out, signs up through it and lands back on it.
  const invitationLink = await linkFromMail(graceEmail, /invited you to/i);
  const invitationPath = new URL(invitationLink).pathname;
  await grace.goto(invitationLink);
  await expect(grace.getByTestId("invitation")).toHaveAttribute("data-state", "signed-out");
  await shot(grace, "invitation-signed-out");
  await grace.getByRole("link", { name: "Sign up" }).click();
  await grace.getByLabel("Name").fill("Grace Hopper");
  await grace.getByLabel("Email").fill(graceEmail);
  await grace.getByLabel("Password").fill(PASSWORD);
  const mailsBeforeSignUp = mailCount(graceEmail);
  await grace.getByRole("button", { name: "Create account" }).click();
  await grace.waitForURL((url) => url.pathname === invitationPath);
  // Joining needs a confirmed address; the confirmation link brings her back here.
  await expect(grace.getByTestId("invitation")).toHaveAttribute("data-state", "pending");
  await expect(grace.getByTestId("invitation-confirm-email")).toBeVisible();
  await confirmEmail(grace, graceEmail, mailsBeforeSignUp);
  await grace.waitForURL((url) => url.pathname === invitationPath);
  await expect(grace.getByTestId("invitation-workspace")).toHaveText(adaWorkspace!.name);
  await expect(grace.getByText("Ada Lovelace invited you as a member")).toBeVisible();
  await shot(grace, "invitation-signed-in");
  await grace.getByRole("button", { name: `Join ${adaWorkspace!.name}` }).click();
  await grace.waitForURL((url) => url.pathname === "/dashboard" && url.searchParams.get("workspace") === adaWorkspace!.slug);

  // Grace sees Ada's categories, read-only.
  await expect(grace.getByTestId("current-workspace").first()).toHaveText(adaWorkspace!.name);
  const graceSale = grace.getByTestId("category-card").filter({ hasText: "sale" });
  await expect(grace.getByTestId("category-card")).toHaveCount(2);
  await expect(grace.getByRole("button", { name: "Add category" })).toHaveCount(0);
  await expect(grace.getByRole("button", { name: "Edit sale" })).toHaveCount(0);
  await expect(graceSale.getByTestId("events-this-month")).toHaveText("0");

  // An event sent with Ada's key shows up on Grace's dashboard live (her stream is open for this workspace).
  const stream = grace.waitForResponse((res) => res.url().includes(`/api/stream?workspace=${adaWorkspace!.slug}`));
  await grace.reload();
  expect((await stream).status()).toBe(200);
  await send({ category: "sale", description: "First sale" });
  await expect(graceSale.getByTestId("events-this-month")).toHaveText("1");
  await shot(grace, "dashboard-member");

  // The switcher lists both of Grace's workspaces: in the sidebar, and in the navigation sheet on a phone.
  await expect(grace.locator("[data-sonner-toast]")).toHaveCount(0);
  await grace.getByTestId("workspace-switcher").first().click();
  await expect(grace.getByTestId("workspace-option")).toHaveCount(2);
  await grace.screenshot({ path: `${SHOTS}workspace-switcher-open-desktop.png` });
  await grace.keyboard.press("Escape");
  const desktop = grace.viewportSize()!;
  await grace.setViewportSize({ width: 360, height: 780 });
  await grace.getByRole("button", { name: "Open navigation" }).click();
  await grace.getByRole("dialog").getByTestId("workspace-switcher").click();
  await expect(grace.getByTestId("workspace-option")).toHaveCount(2);
  await grace.screenshot({ path: `${SHOTS}workspace-switcher-open-360.png` });
  await grace.keyboard.press("Escape");
  await grace.keyboard.press("Escape");
  await grace.setViewportSize(desktop);

  // Grace: her own email, for "sale" only. The workspace's destinations are read-only for her.
  const graceEmailCard = await enableEmailChannel(grace);
  await graceEmailCard.getByTestId("category-opt-outs").locator("summary").click();
  await graceEmailCard.getByRole("checkbox", { name: "bug" }).uncheck();
  await expect(graceEmailCard.getByTestId("category-opt-outs")).toContainText("1 of 2 notified");
  await expect(grace.getByTestId("destinations-read-only")).toBeVisible();
  await expect(grace.getByTestId("channel-webhook").getByRole("switch", { name: "Enabled" })).toBeDisabled();
  await shot(grace, "settings-notifications-member");
  await grace.goto("/dashboard/settings/members");
  await expect(grace.getByTestId("member")).toHaveCount(2);
  await expect(grace.getByRole("button", { name: /^Manage / })).toHaveCount(0);
  await expect(grace.getByRole("button", { name: "Leave workspace" })).toBeVisible();
  await shot(grace, "members-member");

  // Ada: her own email, every category.
  await enableEmailChannel(ada);

  // A sale reaches both mailboxes, once each; a bug only Ada's.
  const saleText = `Team sale ${Date.now().toString(36)}`;
  const bugText = `Team bug ${Date.now().toString(36)}`;
  const sale = await send({ category: "sale", description: saleText });
  await send({ category: "bug", description: bugText });
  await expect.poll(() => mailsContaining(adaEmail, saleText), { timeout: 15_000 }).toBe(1);
  await expect.poll(() => mailsContaining(graceEmail, saleText), { timeout: 15_000 }).toBe(1);
  await expect.poll(() => mailsContaining(adaEmail, bugText), { timeout: 15_000 }).toBe(1);
  await ada.goto(`/dashboard/events/${sale.id}`);
  const emailDeliveries = ada.locator('[data-testid="delivery"][data-channel="email"]');
  await expect(emailDeliveries).toHaveCount(2);
  await expect(emailDeliveries.filter({ hasText: "to Grace Hopper" })).toHaveAttribute("data-status", "DELIVERED");
  expect(mailsContaining(graceEmail, bugText)).toBe(0);

  // Ada removes Grace; Grace's open page leaves the workspace by itself.
  await grace.goto("/dashboard");
  await expect(grace.getByTestId("current-workspace").first()).toHaveText(adaWorkspace!.name);
  await ada.goto("/dashboard/settings/members");
  await expect(ada.getByTestId("member")).toHaveCount(2);
  await shot(ada, "members-owner");
  await ada.getByRole("button", { name: "Manage Grace Hopper" }).click();
  await ada.getByRole("menuitem", { name: /Remove from workspace/ }).click();
  await ada.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(ada.locator(`[data-testid="member"][data-email="${graceEmail}"]`)).toHaveCount(0);
  await expect(grace.getByTestId("current-workspace").first()).not.toHaveText(adaWorkspace!.name);

  // The next sale reaches only Ada.
  const afterText = `After removal ${Date.now().toString(36)}`;
  const after = await send({ category: "sale", description: afterText });
  await expect.poll(() => mailsContaining(adaEmail, afterText), { timeout: 15_000 }).toBe(1);
  await ada.goto(`/dashboard/events/${after.id}`);
  await expect(ada.locator('[data-testid="delivery"][data-channel="email"]')).toHaveCount(1);
  await expect(ada.locator('[data-testid="delivery"][data-channel="email"]')).toHaveAttribute("data-status", "DELIVERED");
  expect(mailsContaining(graceEmail, afterText)).toBe(0);

  // Grace can no longer open the workspace's pages nor its data: the deep link shows her own workspace's 404.
  await grace.goto(`/dashboard/events/${sale.id}?workspace=${adaWorkspace!.slug}`);
  await expect(grace.getByTestId("event-not-found")).toBeVisible();
  await expect(grace.getByTestId("current-workspace").first()).not.toHaveText(adaWorkspace!.name);
  expect((await workspacesOf(grace)).map((w) => w.id)).not.toContain(adaWorkspace!.id);
  const asAda = { "x-pingpilot-workspace": adaWorkspace!.id };
  const event = await grace.request.get(`/trpc/event.get?input=${encodeURIComponent(JSON.stringify({ id: sale.id }))}`, { headers: asAda });
  expect(event.status()).toBe(404);
  for (const path of ["/trpc/category.list", "/trpc/workspace.members"]) {
    const refused = await grace.request.get(path, { headers: asAda });
    expect(refused.status(), path).toBe(404);
    expect(JSON.stringify(await refused.json())).not.toContain(adaEmail);
  }
  // Named by slug only (the cookie the deep link left), the calls act in her own workspace.
  const own = await grace.request.get(`/trpc/category.list?workspace=${adaWorkspace!.slug}`);
  expect(own.status()).toBe(200);
  expect(JSON.stringify(await own.json())).not.toContain('"sale"');
});
