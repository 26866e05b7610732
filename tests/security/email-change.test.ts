import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app";

/** An email change needs the current address's confirmation, then the new address's; the old address is told. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const mailsTo = (to: string) => t.mailer.sent.filter((m) => m.to === to);
const linkIn = (text: string) => new URL(text.match(/https?:\/\/\S+/)![0]);
const emailOf = async (externalId: string) => (await t.db.selectFrom("auth_user").select("email").where("id", "=", externalId).executeTakeFirstOrThrow()).email;

async function verifiedUser(email: string) {
  const { cookie } = await t.signUp(email);
  const link = linkIn(mailsTo(email).findLast((m) => /confirm your email/i.test(m.subject))!.text);
  await t.request(link.pathname + link.search);
  const { id } = await t.db.selectFrom("auth_user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return { cookie, id };
}

describe("email change", () => {
  it("goes to the current address first, then the new one, applies only then, and tells the old address", async () => {
    const { cookie, id } = await verifiedUser("alice@example.com");
    const res = await t.post("/api/auth/change-email", { newEmail: "alice.new@example.com", callbackURL: "/dashboard/settings/profile" }, { cookie });
    expect(res.status).toBe(200);

    // Only the current address hears about it; nothing has changed.
    expect(mailsTo("alice.new@example.com")).toHaveLength(0);
    const confirmation = mailsTo("alice@example.com").findLast((m) => /email change/i.test(m.subject))!;
    expect(confirmation.text).toContain("alice.new@example.com");
    expect(await emailOf(id)).toBe("alice@example.com");

    // Confirming from the old mailbox (no session there) sends the new address its link; still no change.
    const confirmLink = linkIn(confirmation.text);
    const confirmed = await t.request(confirmLink.pathname + confirmLink.search);
    expect(confirmed.status).toBe(302);
    expect(await emailOf(id)).toBe("alice@example.com");
    const verification = mailsTo("alice.new@example.com").findLast((m) => /verify your new email/i.test(m.subject))!;
    expect(verification).toBeDefined();

    const verifyLink = linkIn(verification.text);
    expect((await t.request(verifyLink.pathname + verifyLink.search)).status).toBe(302);
    expect(await emailOf(id)).toBe("alice.new@example.com");
    const appUser = await t.db.selectFrom("user").select("email").where("external_id", "=", id).executeTakeFirstOrThrow();
    expect(appUser.email).toBe("alice.new@example.com");

    const notice = mailsTo("alice@example.com").findLast((m) => /was changed/i.test(m.subject))!;
    expect(notice.text).toContain("alice.new@example.com");
  });

  it("a stolen session alone cannot move the account: the attacker's address gets nothing", async () => {
    const { cookie, id } = await verifiedUser("bob@example.com");
    const res = await t.post("/api/auth/change-email", { newEmail: "attacker@example.com", callbackURL: "/dashboard" }, { cookie });
    expect(res.status).toBe(200);
    expect(mailsTo("attacker@example.com")).toHaveLength(0);
    expect(await emailOf(id)).toBe("bob@example.com");
    // The owner is told at once, in the confirmation request itself.
    expect(mailsTo("bob@example.com").findLast((m) => /email change/i.test(m.subject))!.text).toContain("attacker@example.com");
  });

  it("an unverified current address must be verified first: 403, a fresh link to it, nothing to the new address", async () => {
    const { cookie } = await t.signUp("carol@example.com");
    const before = mailsTo("carol@example.com").length;
    const res = await t.post("/api/auth/change-email", { newEmail: "carol.attacker@example.com" }, { cookie });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe("CURRENT_EMAIL_NOT_VERIFIED");
    expect(mailsTo("carol.attacker@example.com")).toHaveLength(0);
    expect(mailsTo("carol@example.com").length).toBe(before + 1);
    const row = await t.db.selectFrom("auth_user").select("email").where("email", "=", "carol@example.com").executeTakeFirst();
    expect(row).toBeDefined();
  });
});
