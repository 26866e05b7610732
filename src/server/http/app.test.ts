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
  it("keeps mail in the database and serves it to loopback clients only", async () => {
    const dev = await startTestApp();
    try {
      dev.services.mailer = createMailer({ from: "PingPilot <x@y.z>", db: dev.db, logger: createLogger("silent") });
      await dev.services.mailer.send({ to: "someone@example.com", subject: "Hello <b>", text: "Link: http://localhost/x?a=1" });
      expect((await listDevMail(dev.db)).map((m) => m.subject)).toEqual(["Hello <b>"]);
      const { createApp } = await import("./app");
      const app = createApp(dev.services);
      const local = await app.request("http://localhost/dev/mailbox", { headers: { "x-forwarded-for": "127.0.0.1" } });
      expect(local.status).toBe(200);
      const html = await local.text();
      expect(html).toContain("Hello &lt;b&gt;");
      expect(html).not.toContain("Hello <b>");
      const remote = await app.request("http://localhost/dev/mailbox", { headers: { "x-forwarded-for": "198.51.100.4" } });
      expect(remote.status).toBe(404);
    } finally {
      await dev.close();
    }
  });
});
