import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRONG_PASSWORD, startTestApp, type TestApp } from "../support/test-app";

/** Sign-up must not reveal that an address is registered; its owner is mailed instead. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const counts = async () => Promise.all((["auth_user", "user", "api_key", "auth_session"] as const).map((table) => t.countRows(table)));

/** The shape of a JSON value: keys and types, not the values (ids, timestamps). */
function shape(value: unknown): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as object)
        .map(([k, v]) => [k, shape(v)])
        .sort(),
    );
  return typeof value;
}

async function snapshot(res: Response) {
  const body = (await res.json()) as { token: unknown; user: Record<string, unknown> };
  return {
    status: res.status,
    headers: [...res.headers.keys()].sort(),
    cookies: res.headers.getSetCookie().map((c) => c.split("=")[0]),
    shape: shape(body),
    token: body.token,
    user: { email: body.user.email, name: body.user.name, emailVerified: body.user.emailVerified, image: body.user.image },
  };
}

describe("sign-up with a registered email", () => {
  it("answers exactly like a new sign-up, creates nothing, and mails the owner", async () => {
    await t.signUp("owner@example.com", STRONG_PASSWORD, "Same Name");
    await t.db.updateTable("auth_user").set({ email_verified: 1 }).where("email", "=", "owner@example.com").execute();

    const fresh = await snapshot(await t.post("/api/auth/sign-up/email", { email: "fresh@example.com", password: STRONG_PASSWORD, name: "Same Name" }));
    const before = await counts();
    const mailsBefore = t.mailer.sent.length;
    const taken = await snapshot(await t.post("/api/auth/sign-up/email", { email: "Owner@example.com", password: "an attacker's passphrase", name: "Same Name" }));

    expect(taken.status).toBe(200);
    expect(taken).toEqual({ ...fresh, user: { ...fresh.user, email: "owner@example.com" } });
    expect(fresh.token).toBeNull();
    expect(fresh.cookies).toEqual([]);

    expect(await counts()).toEqual(before);
    const mails = t.mailer.sent.slice(mailsBefore);
    expect(mails.map((m) => m.to)).toEqual(["owner@example.com"]);
    expect(mails[0]!.subject).toMatch(/tried to sign up/i);
    expect(mails[0]!.text).toContain(`${t.env.APP_URL}/sign-in`);
    expect(mails[0]!.text).toContain(`${t.env.APP_URL}/forgot-password`);
    // The account and its password are untouched.
    expect((await t.signIn("owner@example.com")).res.status).toBe(200);
    expect((await t.signIn("owner@example.com", "an attacker's passphrase")).res.status).toBe(401);
  });

  it("a new sign-up mails the verification link and the new user signs in with the chosen password", async () => {
    const res = await t.post("/api/auth/sign-up/email", { email: "newbie@example.com", password: STRONG_PASSWORD, name: "N" });
    expect(res.status).toBe(200);
    expect(t.mailer.sent.findLast((m) => m.to === "newbie@example.com")!.subject).toMatch(/confirm your email/i);
    const { res: signIn, cookie } = await t.signIn("newbie@example.com");
    expect(signIn.status).toBe(200);
    expect((await t.request("/trpc/user.me", { cookie })).status).toBe(200);
  });
});
