import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createThrottle, ipKey } from "@/server/security/throttle";
import { limitImplementations } from "../support/limit-implementations";
import { STRONG_PASSWORD, startTestApp, type TestApp } from "../support/test-app";

/**
 * Every Better Auth endpoint that checks a credential or sends mail is throttled per account
 * and per IP (default limits: 5 per account, 30 per IP, per 15 minutes). Each request here
 * comes from its own address unless one is given, so the per-account limit is what shows.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const verify = (email: string) => t.db.updateTable("auth_user").set({ email_verified: 1 }).where("email", "=", email).execute();
const exists = async (email: string) => Boolean(await t.db.selectFrom("auth_user").select("id").where("email", "=", email).executeTakeFirst());

async function expectThrottled(res: Response) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect((await res.json()).error.code).toBe("RATE_LIMITED");
}

describe("session-bound credential checks are throttled per signed-in account, across IPs", () => {
  it("change-password: the 6th wrong current password is refused with 429, even the right one, from a new IP", async () => {
    const { cookie } = await t.signUp("cp@example.com");
    for (let i = 0; i < 5; i++) {
      const res = await t.post("/api/auth/change-password", { currentPassword: `wrong guess number ${i}`, newPassword: "another long passphrase" }, { cookie });
      expect(res.status).toBe(400);
    }
    await expectThrottled(await t.post("/api/auth/change-password", { currentPassword: STRONG_PASSWORD, newPassword: "another long passphrase" }, { cookie, ip: "198.51.100.200" }));
    // The same account counter guards sign-in: guesses through a stolen session and the sign-in form add up.
    expect((await t.signIn("cp@example.com")).res.status).toBe(429);
  });

  it("verify-password: guessing with a stolen session stops after 5 wrong passwords", async () => {
    const { cookie } = await t.signUp("vp@example.com");
    for (let i = 0; i < 5; i++) expect((await t.post("/api/auth/verify-password", { password: `guess number ${i} abc` }, { cookie })).status).toBe(400);
    await expectThrottled(await t.post("/api/auth/verify-password", { password: STRONG_PASSWORD }, { cookie }));
  });

  it("delete-user: wrong passwords stop after 5, and the account stays", async () => {
    const { cookie } = await t.signUp("du@example.com");
    for (let i = 0; i < 5; i++) expect((await t.post("/api/auth/delete-user", { password: `guess number ${i} abc` }, { cookie })).status).toBe(400);
    await expectThrottled(await t.post("/api/auth/delete-user", { password: STRONG_PASSWORD }, { cookie }));
    expect(await exists("du@example.com")).toBe(true);
  });

  it("a right password does not count: the owner can verify it as often as needed", async () => {
    const { cookie } = await t.signUp("vp-ok@example.com");
    for (let i = 0; i < 7; i++) expect((await t.post("/api/auth/verify-password", { password: STRONG_PASSWORD }, { cookie })).status).toBe(200);
  });
});

describe("mail senders count every request", () => {
  it("change-email 6 times in a row: the 6th is 429 and at most 5 mails were queued", async () => {
    const { cookie } = await t.signUp("ce@example.com");
    await verify("ce@example.com");
    const sentBefore = t.mailer.sent.length;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.post("/api/auth/change-email", { newEmail: `target${i}@example.com`, callbackURL: "/dashboard" }, { cookie })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(t.mailer.sent.length - sentBefore).toBeLessThanOrEqual(5);
  });

  it("sign-up mails every time (a verification or a notice to the owner), so it counts every request per address", async () => {
    await t.signUp("su-owner@example.com");
    const sentBefore = t.mailer.sent.length;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.post("/api/auth/sign-up/email", { email: "su-owner@example.com", password: STRONG_PASSWORD, name: "X" })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(t.mailer.sent.length - sentBefore).toBe(5);
  });
});

describe("per IP", () => {
  it("links from mails (token checks) count against the address", async () => {
    const ip = "198.51.100.77";
    const statuses = [];
    for (let i = 0; i < 31; i++) statuses.push((await t.request(`/api/auth/verify-email?token=bogus-${i}`, { ip })).status);
    expect(statuses.slice(0, 30).every((s) => s !== 429)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect((await t.request("/api/auth/magic-link/verify?token=bogus", { ip })).status).toBe(429);
    expect((await t.post("/api/auth/reset-password", { token: "bogus", newPassword: "a brand new passphrase" }, { ip })).status).toBe(429);
  });
});

describe("what the throttle counts cannot be dodged", () => {
  it("parallel wrong passwords: no more than the account's limit ever reach the password check", async () => {
    const email = "parallel@example.com";
    await t.signUp(email);
    const responses = await Promise.all(Array.from({ length: 12 }, () => t.post("/api/auth/sign-in/email", { email, password: "wrong password guess" })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
  });

  it("a form-encoded or oddly typed body is refused, so the throttle and Better Auth always read the same email", async () => {
    const email = "formbody@example.com";
    for (const [type, body] of [
      ["application/x-www-form-urlencoded", `email=decoy%40example.com&email=${encodeURIComponent(email)}&password=wrong+password`],
      ["Application/X-WWW-Form-Urlencoded", `email=${encodeURIComponent(email)}&password=wrong+password`],
      ["text/plain", JSON.stringify({ email, password: "wrong password" })],
    ] as const) {
      const res = await t.request("/api/auth/sign-in/email", { method: "POST", headers: { "content-type": type }, body });
      expect(res.status, type).toBe(415);
    }
    // JSON with a duplicate key: the last one is what both read, so that account is counted.
    for (let i = 0; i < 5; i++) {
      await t.request("/api/auth/sign-in/email", { method: "POST", body: `{"email":"decoy@example.com","email":"${email}","password":"wrong password"}` });
    }
    await expectThrottled(await t.post("/api/auth/sign-in/email", { email, password: "wrong password" }));
  });

  // In memory, and on a PostgreSQL run also the throttle shared by every instance.
  it.each(limitImplementations(() => t.db))("IPv6 clients are counted per /64, so rotating addresses inside it does not help ($name)", async (impl) => {
    const throttle = impl.throttle({ windowMs: 60_000, ipMax: 3, accountMax: 3 }, () => t.services.clock().getTime());
    for (let i = 1; i <= 3; i++) expect(await throttle.attempt(`2001:db8:1:2::${i.toString(16)}`)).toBe(0);
    expect(await throttle.attempt("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBeGreaterThan(0);
    expect(await throttle.attempt("2001:db8:1:3::1")).toBe(0);
    for (let i = 1; i <= 3; i++) expect(await throttle.attempt("::ffff:198.51.100.7")).toBe(0);
    expect(await throttle.attempt("198.51.100.7")).toBeGreaterThan(0);
    expect(ipKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(ipKey("198.51.100.7")).toBe("198.51.100.7");
  });
});

describe("the throttle's memory is bounded", () => {
  it("an email longer than 254 characters is refused before it becomes a key", async () => {
    const before = await t.services.throttle.size();
    const email = `${"a".repeat(250)}@example.com`;
    const res = await t.post("/api/auth/sign-in/email", { email, password: "whatever password" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("INVALID_EMAIL");
    expect((await t.services.throttle.size()).account).toBe(before.account);
  });

  it("1,000,000 distinct keys never grow it past its cap, and live blocks near the cap survive a flood of addresses (in memory)", async () => {
    const clock = { now: 0 };
    const throttle = createThrottle({ windowMs: 60_000, ipMax: 3, accountMax: 3, maxKeys: 10_000, now: () => clock.now });
    expect(typeof throttle.size).toBe("function");
    for (let i = 0; i < 3; i++) throttle.account.record("victim@example.com");
    for (let i = 0; i < 1_000_000; i++) {
      throttle.ip.record(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      if (i % 100 === 0) clock.now += 1;
    }
    expect((await throttle.size()).ip).toBeLessThanOrEqual(10_000);
    // IP churn does not evict account counters.
    expect(throttle.account.blockedFor("victim@example.com")).toBeGreaterThan(0);
    for (let i = 0; i < 1_000_000; i++) throttle.account.record(`user${i}@example.com`);
    expect((await throttle.size()).account).toBeLessThanOrEqual(10_000);
    // Nor does a flood of new accounts: a key at its limit is never the one dropped.
    expect(throttle.account.blockedFor("victim@example.com")).toBeGreaterThan(0);
    // Expired keys go first.
    clock.now += 120_000;
    throttle.ip.record("198.51.100.1");
    expect((await throttle.size()).ip).toBe(1);
  });
});
