import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRONG_PASSWORD, sessionCookieFrom, startTestApp, type TestApp } from "../../../tests/support/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const me = (cookie?: string) => t.request("/trpc/user.me", { cookie });
const countRows = (table: Parameters<TestApp["countRows"]>[0]) => t.countRows(table);

describe("sign-up", () => {
  it("creates the auth identity, the PingPilot user linked by external_id and exactly one API key", async () => {
    const { cookie } = await t.signUp("new@example.com");
    const authUser = await t.db.selectFrom("auth_user").selectAll().where("email", "=", "new@example.com").executeTakeFirstOrThrow();
    const user = await t.db.selectFrom("user").selectAll().where("external_id", "=", authUser.id).executeTakeFirstOrThrow();
    expect(user.email).toBe("new@example.com");
    const workspace = await t.ownerAccess("new@example.com");
    expect(workspace).toMatchObject({ plan: "PRO", role: "owner", userId: user.id });
    const keys = await t.db.selectFrom("api_key").selectAll().where("workspace_id", "=", workspace.id).execute();
    expect(keys).toHaveLength(1);
    const res = await me(cookie);
    expect(res.status).toBe(200);
    expect((await res.json()).result.data).toMatchObject({ email: "new@example.com", id: user.id });
  });

  it("stores the password as an argon2id hash", async () => {
    await t.signUp("hash@example.com");
    const row = await t.db
      .selectFrom("auth_account")
      .innerJoin("auth_user", "auth_user.id", "auth_account.user_id")
      .select("auth_account.password")
      .where("auth_user.email", "=", "hash@example.com")
      .executeTakeFirstOrThrow();
    expect(row.password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password).not.toContain(STRONG_PASSWORD);
  });

  it("a retried sign-up with the same email creates nothing new", async () => {
    await t.signUp("retry@example.com");
    const before = await Promise.all([countRows("auth_user"), countRows("user"), countRows("api_key")]);
    const again = await t.post("/api/auth/sign-up/email", { email: "retry@example.com", password: STRONG_PASSWORD, name: "Again" });
    expect(again.status).toBe(200);
    expect(await Promise.all([countRows("auth_user"), countRows("user"), countRows("api_key")])).toEqual(before);
  });

  it("an interrupted sign-up (app user never written) is completed on the next request, once", async () => {
    const { cookie } = await t.signUp("interrupted@example.com");
    const authUser = await t.db.selectFrom("auth_user").select("id").where("email", "=", "interrupted@example.com").executeTakeFirstOrThrow();
    await t.db.deleteFrom("user").where("external_id", "=", authUser.id).execute();

    const responses = await Promise.all(Array.from({ length: 8 }, () => me(cookie)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const users = await t.db.selectFrom("user").selectAll().where("external_id", "=", authUser.id).execute();
    expect(users).toHaveLength(1);
    expect(
      await t.db
        .selectFrom("api_key")
        .selectAll()
        .where("workspace_id", "=", (await t.ownerAccess(users[0]!.email)).id)
        .execute(),
    ).toHaveLength(1);
  });
});

describe("password rules", () => {
  const attempt = (email: string, password: string) => t.post("/api/auth/sign-up/email", { email, password, name: "P" });

  it.each([
    ["11 characters", "abcdefghijk"],
    ["129 characters", "a".repeat(129)],
    ["a common password", "qwerty123456"],
    ["a common password in other case", "QWERTY123456"],
  ])("rejects %s with a clear 400 and stores nothing", async (_, password) => {
    const email = `weak-${Math.random().toString(36).slice(2)}@example.com`;
    const res = await attempt(email, password);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/at least 12|at most 128|too long|too short|commonly used/i);
    expect(await t.db.selectFrom("auth_user").select("id").where("email", "=", email).executeTakeFirst()).toBeUndefined();
  });

  it.each([
    ["exactly 12 characters", "kx9!mq2#vb7z"],
    ["128 characters", `${"Zq8".repeat(42)}xy`],
    ["12 Unicode characters", "żółć-日本語-🙂🙂🙂"],
  ])("accepts %s", async (_, password) => {
    const res = await attempt(`ok-${Math.random().toString(36).slice(2)}@example.com`, password);
    expect(res.status).toBe(200);
  });

  it("applies the common-password check to password changes too", async () => {
    const { cookie } = await t.signUp("change-weak@example.com");
    const res = await t.post("/api/auth/change-password", { currentPassword: STRONG_PASSWORD, newPassword: "1q2w3e4r5t6y" }, { cookie });
    expect(res.status).toBe(400);
    expect((await t.signIn("change-weak@example.com")).res.status).toBe(200);
  });
});

describe("session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/ and not Secure on plain http", async () => {
    const { res } = await t.signUp("cookie@example.com");
    const raw = res.headers.getSetCookie().find((c) => c.startsWith("pingpilot.session_token="))!;
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/SameSite=Lax/i);
    expect(raw).toMatch(/Path=\//);
    expect(raw).not.toMatch(/;\s*Secure/i);
  });

  it("gets the __Secure- prefix and Secure flag when APP_URL is https", async () => {
    const https = await startTestApp({ env: { APP_URL: "https://pingpilot.example" } });
    try {
      const headers = { "content-type": "application/json", origin: "https://pingpilot.example", "x-forwarded-for": "10.9.9.9" };
      const credentials = { email: "secure@example.com", password: STRONG_PASSWORD };
      const up = await https.app.request("https://pingpilot.example/api/auth/sign-up/email", { method: "POST", headers, body: JSON.stringify({ ...credentials, name: "S" }) });
      expect(up.status).toBe(200);
      const res = await https.app.request("https://pingpilot.example/api/auth/sign-in/email", { method: "POST", headers, body: JSON.stringify(credentials) });
      expect(res.status).toBe(200);
      const raw = res.headers.getSetCookie().find((c) => c.startsWith("__Secure-pingpilot.session_token="));
      expect(raw).toBeDefined();
      expect(raw).toMatch(/;\s*Secure/i);
      expect(raw).toMatch(/HttpOnly/i);
    } finally {
      await https.close();
    }
  });
});

describe("no account enumeration", () => {
  it("answers an unknown email exactly like a wrong password", async () => {
    await t.signUp("known@example.com");
    const unknown = await t.post("/api/auth/sign-in/email", { email: "nobody@example.com", password: "wrong password here" });
    const wrong = await t.post("/api/auth/sign-in/email", { email: "known@example.com", password: "wrong password here" });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(unknown.status);
    expect(await wrong.text()).toBe(await unknown.text());
  });

  it("answers a reset request the same whether or not the email exists, and mails only the real account", async () => {
    await t.signUp("reset-known@example.com");
    const sentBefore = t.mailer.sent.length;
    const known = await t.post("/api/auth/request-password-reset", { email: "reset-known@example.com", redirectTo: "/reset-password" });
    const unknown = await t.post("/api/auth/request-password-reset", { email: "reset-nobody@example.com", redirectTo: "/reset-password" });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(await unknown.text()).toBe(await known.text());
    const mails = t.mailer.sent.slice(sentBefore);
    expect(mails.map((m) => m.to)).toEqual(["reset-known@example.com"]);
  });
});

describe("password reset", () => {
  it("sets a new password through the emailed link and signs out every session", async () => {
    const { cookie } = await t.signUp("reset-flow@example.com");
    await t.post("/api/auth/request-password-reset", { email: "reset-flow@example.com", redirectTo: "/reset-password" });
    const mail = t.mailer.sent.findLast((m) => m.to === "reset-flow@example.com")!;
    const link = new URL(mail.text.match(/https?:\/\/\S+/)![0]);
    const token = link.pathname.split("/").pop()!;
    const res = await t.post("/api/auth/reset-password", { newPassword: "a brand new passphrase", token });
    expect(res.status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
    expect((await t.signIn("reset-flow@example.com")).res.status).toBe(401);
    expect((await t.signIn("reset-flow@example.com", "a brand new passphrase")).res.status).toBe(200);
  });
});

describe("email verification", () => {
  it("mails a verification link at sign-up that marks the email verified", async () => {
    await t.signUp("verify@example.com");
    const mail = t.mailer.sent.findLast((m) => m.to === "verify@example.com" && /confirm/i.test(m.subject))!;
    expect(mail.html).toBeDefined();
    const link = mail.text.match(/https?:\/\/\S+/)![0];
    const res = await t.request(new URL(link).pathname + new URL(link).search);
    expect([200, 302]).toContain(res.status);
    const row = await t.db.selectFrom("auth_user").select("email_verified").where("email", "=", "verify@example.com").executeTakeFirstOrThrow();
    expect(Boolean(row.email_verified)).toBe(true);
  });
});

describe("sessions", () => {
  it("sign-out revokes the session server-side: the old cookie is dead", async () => {
    const { cookie } = await t.signUp("signout@example.com");
    expect((await me(cookie)).status).toBe(200);
    const out = await t.post("/api/auth/sign-out", {}, { cookie });
    expect(out.status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
  });

  it("signing in revokes the session of the cookie the browser came with", async () => {
    const { cookie: first } = await t.signUp("replace@example.com");
    const { res, cookie: second } = await t.signIn("replace@example.com", STRONG_PASSWORD, { cookie: first });
    expect(res.status).toBe(200);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(200);
  });

  it("a password change revokes the other sessions", async () => {
    const { cookie: a } = await t.signUp("pwchange@example.com");
    const { cookie: b } = await t.signIn("pwchange@example.com");
    const res = await t.post("/api/auth/change-password", { currentPassword: STRONG_PASSWORD, newPassword: "another long passphrase", revokeOtherSessions: true }, { cookie: b });
    expect(res.status).toBe(200);
    expect((await me(a)).status).toBe(401);
    expect((await me(sessionCookieFrom(res) ?? b)).status).toBe(200);
  });

  it("revoking another session from the list ends it", async () => {
    const { cookie: a } = await t.signUp("revoke@example.com");
    const { cookie: b } = await t.signIn("revoke@example.com");
    const list = (await (await t.request("/api/auth/list-sessions", { cookie: a })).json()) as { token: string }[];
    expect(list).toHaveLength(2);
    const tokenB = b!.split("=")[1]!.split(".")[0]!;
    expect(list.map((s) => s.token)).toContain(tokenB);
    const res = await t.post("/api/auth/revoke-session", { token: tokenB }, { cookie: a });
    expect(res.status).toBe(200);
    expect((await me(b)).status).toBe(401);
    expect((await me(a)).status).toBe(200);
  });

  it("expires after 7 days without use", async () => {
    const { cookie } = await t.signUp("idle@example.com");
    const token = cookie.split("=")[1]!.split(".")[0]!;
    await t.db
      .updateTable("auth_session")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("token", "=", token)
      .execute();
    expect((await me(cookie)).status).toBe(401);
  });

  it("slides forward while used, but never past 30 days from sign-in", async () => {
    const { cookie } = await t.signUp("slide@example.com");
    const token = cookie.split("=")[1]!.split(".")[0]!;
    const day = 24 * 60 * 60 * 1000;
    // Last refreshed 2 days ago: due for a refresh.
    await t.db
      .updateTable("auth_session")
      .set({ expires_at: new Date(Date.now() + 5 * day).toISOString() })
      .where("token", "=", token)
      .execute();
    expect((await me(cookie)).status).toBe(200);
    const slid = await t.db.selectFrom("auth_session").select("expires_at").where("token", "=", token).executeTakeFirstOrThrow();
    expect(new Date(slid.expires_at).getTime()).toBeGreaterThan(Date.now() + 6.9 * day);

    // Signed in 27 days ago: the refresh is capped at created_at + 30 days.
    const createdAt = Date.now() - 27 * day;
    await t.db
      .updateTable("auth_session")
      .set({ created_at: new Date(createdAt).toISOString(), expires_at: new Date(Date.now() + 5 * day).toISOString() })
      .where("token", "=", token)
      .execute();
    expect((await me(cookie)).status).toBe(200);
    const capped = await t.db.selectFrom("auth_session").select("expires_at").where("token", "=", token).executeTakeFirstOrThrow();
    expect(Math.abs(new Date(capped.expires_at).getTime() - (createdAt + 30 * day))).toBeLessThan(2000);
  });

  it("ends 30 days after sign-in even when used every day", async () => {
    const { cookie } = await t.signUp("absolute@example.com");
    const token = cookie.split("=")[1]!.split(".")[0]!;
    const day = 24 * 60 * 60 * 1000;
    await t.db
      .updateTable("auth_session")
      .set({ created_at: new Date(Date.now() - 30 * day - 1000).toISOString(), expires_at: new Date(Date.now() + 6 * day).toISOString() })
      .where("token", "=", token)
      .execute();
    expect((await me(cookie)).status).toBe(401);
    expect(await t.db.selectFrom("auth_session").select("id").where("token", "=", token).executeTakeFirst()).toBeUndefined();
  });
});

describe("magic link", () => {
  it("mails a one-time link that signs the user in", async () => {
    await t.signUp("magic@example.com");
    const res = await t.post("/api/auth/sign-in/magic-link", { email: "magic@example.com", callbackURL: "/dashboard" });
    expect(res.status).toBe(200);
    const mail = t.mailer.sent.findLast((m) => m.to === "magic@example.com" && /sign-in link/i.test(m.subject))!;
    const link = new URL(mail.text.match(/https?:\/\/\S+/)![0]);
    const verify = await t.request(link.pathname + link.search);
    expect(verify.status).toBe(302);
    expect(verify.headers.get("location")).toMatch(/\/dashboard$/);
    const cookie = sessionCookieFrom(verify);
    expect((await me(cookie)).status).toBe(200);
    const again = await t.request(link.pathname + link.search);
    expect(sessionCookieFrom(again)).toBeUndefined();
  });

  it("refuses a callbackURL on another origin", async () => {
    const res = await t.post("/api/auth/sign-in/magic-link", { email: "magic@example.com", callbackURL: "https://evil.example/steal" });
    expect(res.status).toBe(403);
  });
});

describe("account deletion", () => {
  it("deletes the identity and the user's PingPilot data", async () => {
    const { cookie } = await t.signUp("delete-me@example.com");
    const res = await t.post("/api/auth/delete-user", {}, { cookie });
    expect(res.status).toBe(200);
    expect(await t.db.selectFrom("auth_user").select("id").where("email", "=", "delete-me@example.com").executeTakeFirst()).toBeUndefined();
    expect(await t.db.selectFrom("user").select("id").where("email", "=", "delete-me@example.com").executeTakeFirst()).toBeUndefined();
    expect((await me(cookie)).status).toBe(401);
  });

  it("needs a fresh sign-in", async () => {
    const { cookie } = await t.signUp("stale@example.com");
    const token = cookie.split("=")[1]!.split(".")[0]!;
    await t.db
      .updateTable("auth_session")
      .set({ created_at: new Date(Date.now() - 60 * 60 * 1000).toISOString() })
      .where("token", "=", token)
      .execute();
    const res = await t.post("/api/auth/delete-user", {}, { cookie });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await t.db.selectFrom("user").select("id").where("email", "=", "stale@example.com").executeTakeFirst()).toBeDefined();
  });
});
