import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDevMail } from "@/server/mail/mail.queries";
import { createMailer } from "@/server/mail/mailer";
import { createLogger } from "@/server/log/logger";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";

let t: TestApp;
let cookie: string;
beforeAll(async () => {
  t = await startTestApp();
  ({ cookie } = await t.signUp("matrix@example.com"));
});
afterAll(() => t.close());

describe("protection matrix (API side)", () => {
  it.each([
    ["GET", "/trpc/user.me"],
    ["POST", "/trpc/apiKey.revealNew"],
    ["GET", "/api/internal/anything"],
    ["POST", "/api/webhooks-not-public"],
    ["GET", "/api/v2/future"],
  ])("%s %s signed out → 401 JSON, never a redirect", async (method, path) => {
    const res = await t.request(path, { method, body: method === "POST" ? "{}" : undefined });
    expect(res.status).toBe(401);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
  });

  it.each(["/api/v1/events", "/api/v1/quota", "/api/v1/categories"])("%s without an API key → 401 JSON envelope, never a redirect", async (path) => {
    const res = await t.request(path);
    expect(res.status).toBe(401);
    expect(res.headers.get("location")).toBeNull();
    expect((await res.json()).error).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/Authorization/) });
  });

  it("/api/v1 refuses a session cookie: an API key is the only credential", async () => {
    const res = await t.request("/api/v1/events", { cookie });
    expect(res.status).toBe(401);
  });

  it.each([
    ["Basic abc", /Bearer/],
    ["Bearer pp_notarealkey", /not valid/],
    ["Bearer ", /Bearer/],
  ])("/api/v1 with Authorization %j → 401 with a clear message", async (authorization, message) => {
    const res = await t.request("/api/v1/events", { headers: { authorization } });
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toMatch(message);
  });

  it("/api/auth/* is public and never redirected", async () => {
    const res = await t.request("/api/auth/get-session");
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
  });

  it("an API key does not open tRPC or session APIs", async () => {
    const reveal = await t.post("/trpc/apiKey.revealNew", {}, { cookie });
    const key = (await reveal.json()).result.data.key as string;
    expect(key).toMatch(/^pp_/);
    const res = await t.request("/trpc/user.me", { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(401);
  });

  it("/api/health reports liveness and the database", async () => {
    const res = await t.request("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: { ok: true, dialect: t.env.database.dialect } });
  });

  it("API responses carry security headers", async () => {
    const res = await t.request("/api/health");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("CSRF", () => {
  it("refuses a cross-site tRPC mutation even with a valid cookie", async () => {
    const res = await t.post("/trpc/apiKey.revealNew", {}, { cookie, headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
  });

  it("refuses a cross-site auth request", async () => {
    const res = await t.post("/api/auth/sign-out", {}, { cookie, headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect((await t.request("/trpc/user.me", { cookie })).status).toBe(200);
  });
});

describe("dev mailbox", () => {
  let dev: TestApp;
  let token: string;
  const get = (path: string, init: { ip?: string; cookie?: string } = {}) => dev.request(path, init);
  beforeAll(async () => {
    dev = await startTestApp();
    const mailer = createMailer({ from: "PingPilot <x@y.z>", db: dev.db, logger: createLogger("silent"), clock: dev.services.clock });
    if (mailer.mode !== "dev-mailbox") throw new Error("expected the dev mailbox");
    dev.services.mailer = mailer;
    token = mailer.devMailboxToken;
    await mailer.send({ to: "someone@example.com", subject: "Hello <b>", text: "Link: http://localhost/x?a=1" });
  });
  afterAll(() => dev.close());

  it("keeps mail in the database, with a fresh 32-byte token per mailer", async () => {
    expect((await listDevMail(dev.db)).map((m) => m.subject)).toEqual(["Hello <b>"]);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const other = createMailer({ from: "x@y.z", db: dev.db, logger: createLogger("silent"), clock: dev.services.clock });
    expect(other.mode === "dev-mailbox" && other.devMailboxToken).not.toBe(token);
  });

  it("is a 404 without the token, whatever the client address or forwarded header says", async () => {
    const { createApp } = await import("./app");
    const app = createApp(dev.services);
    const loopbackPeer = { incoming: { socket: { remoteAddress: "127.0.0.1" } } };
    const attempts = [
      get("/dev/mailbox", { ip: "127.0.0.1" }),
      get("/dev/mailbox", { ip: "::1" }),
      get("/dev/mailbox/messages.json", { ip: "127.0.0.1" }),
      get("/dev/mailbox"),
      get(`/dev/mailbox?token=${token.slice(0, -1)}`),
      get("/dev/mailbox?token="),
      get("/dev/mailbox", { cookie: `pingpilot.dev_mailbox=${token}x` }),
      get("/dev/mailbox", { cookie: `pingpilot.session_token=${token}` }),
      // Straight from this machine, no proxy: still not enough.
      app.request("http://localhost/dev/mailbox", {}, loopbackPeer),
      app.request("http://localhost/dev/mailbox/messages.json", {}, loopbackPeer),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("Hello");
    }
  });

  it("opens with the token: a path-scoped HttpOnly SameSite=Lax cookie (the token link may be opened from a log viewer on another site), then a redirect to the token-less URL", async () => {
    const first = await get(`/dev/mailbox?token=${token}`, { ip: "198.51.100.4" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/dev/mailbox");
    expect(first.headers.get("referrer-policy")).toBe("no-referrer");
    expect(first.headers.get("cache-control")).toBe("no-store");
    const setCookie = first.headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^pingpilot\.dev_mailbox=[A-Za-z0-9_-]{43}; /);
    expect(setCookie[0]).toMatch(/; Path=\/dev\/mailbox(;|$)/);
    expect(setCookie[0]).toMatch(/; HttpOnly(;|$)/);
    expect(setCookie[0]).toMatch(/; SameSite=Lax(;|$)/);
    expect(setCookie[0]).not.toMatch(/Secure/);
    const cookie = setCookie[0]!.split(";")[0]!;

    const page = await get("/dev/mailbox", { cookie, ip: "203.0.113.9" });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Hello &lt;b&gt;");
    expect(html).not.toContain("Hello <b>");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");

    const json = await get("/dev/mailbox/messages.json", { cookie });
    expect(json.status).toBe(200);
    expect(json.headers.get("cache-control")).toBe("no-store");
    expect((await json.json()).map((m: { subject: string }) => m.subject)).toEqual(["Hello <b>"]);
    // Scripts can use the token directly.
    const direct = await get(`/dev/mailbox/messages.json?token=${token}`);
    expect(direct.status).toBe(200);
  });

  it("marks the cookie Secure (and __Secure-) when APP_URL is https", async () => {
    const secure = await startTestApp({ env: { APP_URL: "https://pingpilot.example" } });
    try {
      const mailer = createMailer({ from: "x@y.z", db: secure.db, logger: createLogger("silent"), clock: secure.services.clock });
      secure.services.mailer = mailer;
      const { createApp } = await import("./app");
      const app = createApp(secure.services);
      const res = await app.request(`https://pingpilot.example/dev/mailbox?token=${mailer.mode === "dev-mailbox" ? mailer.devMailboxToken : ""}`);
      expect(res.status).toBe(303);
      const setCookie = res.headers.getSetCookie()[0]!;
      expect(setCookie).toMatch(/^__Secure-pingpilot\.dev_mailbox=/);
      expect(setCookie).toMatch(/; Secure(;|$)/);
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      const page = await app.request("https://pingpilot.example/dev/mailbox", { headers: { cookie: setCookie.split(";")[0]! } });
      expect(page.status).toBe(200);
    } finally {
      await secure.close();
    }
  });

  it("is a 404 with SMTP configured, and with DEV_MAILBOX=false (mail then dropped, not stored)", async () => {
    const off = await startTestApp({ env: { DEV_MAILBOX: "false" } });
    try {
      off.services.mailer = createMailer({ from: "x@y.z", db: off.db, logger: createLogger("silent"), clock: off.services.clock, devMailbox: off.env.DEV_MAILBOX });
      expect(off.services.mailer.mode).toBe("off");
      await off.services.mailer.send({ to: "a@example.com", subject: "Sign in", text: "http://localhost/magic?token=secret" });
      expect(await listDevMail(off.db)).toEqual([]);
      for (const path of ["/dev/mailbox", `/dev/mailbox?token=${token}`, "/dev/mailbox/messages.json"]) {
        expect((await off.request(path, { ip: "127.0.0.1" })).status).toBe(404);
      }
      // startTestApp's own mailer is SMTP-like: no mailbox either, with any token.
      off.services.mailer = { mode: "smtp", send: async () => {} };
      expect((await off.request(`/dev/mailbox?token=${token}`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
