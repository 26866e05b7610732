import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRONG_PASSWORD, startTestApp, type TestApp } from "../../../tests/support/test-app";

const clock = { now: Date.now() };
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock, env: { AUTH_THROTTLE_WINDOW_SECONDS: "60", AUTH_THROTTLE_IP_MAX: "8", AUTH_THROTTLE_ACCOUNT_MAX: "3" } });
  await t.signUp("victim@example.com");
  await t.signUp("other@example.com");
});
afterAll(() => t.close());

const signIn = (email: string, password: string, ip?: string) => t.post("/api/auth/sign-in/email", { email, password }, { ip });

describe("auth throttling", () => {
  it("limits failed sign-ins per account across IPs, with Retry-After, then lets the real user in after the window", async () => {
    for (let i = 0; i < 3; i++) expect((await signIn("victim@example.com", `wrong password ${i}`)).status).toBe(401);
    const blocked = await signIn("victim@example.com", STRONG_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await blocked.json()).error.code).toBe("RATE_LIMITED");
    // Another account is not affected.
    expect((await signIn("other@example.com", STRONG_PASSWORD)).status).toBe(200);

    clock.now += 61_000;
    expect((await signIn("victim@example.com", STRONG_PASSWORD)).status).toBe(200);
  });

  it("a successful sign-in clears the account's failure count", async () => {
    await t.signUp("clears@example.com");
    for (let i = 0; i < 2; i++) await signIn("clears@example.com", "wrong password x");
    expect((await signIn("clears@example.com", STRONG_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 2; i++) await signIn("clears@example.com", "wrong password y");
    expect((await signIn("clears@example.com", STRONG_PASSWORD)).status).toBe(200);
  });

  it("limits attempts per IP across accounts, and other IPs keep working", async () => {
    const ip = "203.0.113.7";
    for (let i = 0; i < 8; i++) await signIn(`spray${i}@example.com`, "wrong password", ip);
    const blocked = await signIn("other@example.com", STRONG_PASSWORD, ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await signIn("other@example.com", STRONG_PASSWORD, "203.0.113.8")).status).toBe(200);
    clock.now += 61_000;
    expect((await signIn("other@example.com", STRONG_PASSWORD, ip)).status).toBe(200);
  });

  it("throttles magic-link, reset and sign-up requests too", async () => {
    const ip = "203.0.113.50";
    for (let i = 0; i < 3; i++) {
      expect((await t.post("/api/auth/request-password-reset", { email: "mailbomb@example.com", redirectTo: "/reset-password" })).status).toBe(200);
    }
    const reset = await t.post("/api/auth/request-password-reset", { email: "mailbomb@example.com", redirectTo: "/reset-password" });
    expect(reset.status).toBe(429);
    for (let i = 0; i < 8; i++) await t.post("/api/auth/sign-in/magic-link", { email: `m${i}@example.com`, callbackURL: "/dashboard" }, { ip });
    expect((await t.post("/api/auth/sign-in/magic-link", { email: "m9@example.com", callbackURL: "/dashboard" }, { ip })).status).toBe(429);
    expect((await t.post("/api/auth/sign-up/email", { email: "late@example.com", password: STRONG_PASSWORD, name: "L" }, { ip })).status).toBe(429);
    expect(await t.db.selectFrom("auth_user").select("id").where("email", "=", "late@example.com").executeTakeFirst()).toBeUndefined();
  });

  it("ignores a client-sent X-Forwarded-For when TRUST_PROXY is off", async () => {
    const direct = await startTestApp({ env: { TRUST_PROXY: "false", AUTH_THROTTLE_IP_MAX: "3", AUTH_THROTTLE_ACCOUNT_MAX: "100" } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await direct.post("/api/auth/sign-in/email", { email: `x${i}@example.com`, password: "wrong password" })).status);
      // Each request claims a different X-Forwarded-For, but without TRUST_PROXY they share one address.
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await direct.close();
    }
  });

  it("behind one trusted proxy, counts the address the proxy appended, not the entries the client wrote", async () => {
    // t runs with TRUST_PROXY=true (one hop): the rightmost X-Forwarded-For entry is the client.
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await signIn(`rotate${i}@example.com`, "wrong password", `198.51.100.${i}, 127.0.0.1, 203.0.113.99`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429, 429]);
    // The same client spelled as IPv4-mapped IPv6 is the same bucket.
    expect((await signIn("rotate-mapped@example.com", "wrong password", "::ffff:203.0.113.99")).status).toBe(429);
    expect((await signIn("rotate-other@example.com", "wrong password", "127.0.0.1, 203.0.113.98")).status).toBe(401);
  });
});
