/**
 * Security regression, finding 3 (high): server-side request forgery through user-supplied
 * URLs (webhook, Slack, Discord webhook). Internal addresses in any spelling are refused at save
 * and again at send, "send test" is no port scanner and leaks no internal body, and neither
 * batching nor repetition multiplies outbound requests.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryWorker } from "@/server/delivery/delivery.worker";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../fakes/webhook-receiver.fake";
import { startTestApp, type TestApp } from "../support/test-app";

const PRIVATE = /local, private or reserved network address/;
const UNDELIVERABLE = "Could not deliver to this URL";

/** Every spelling the audit used, and their relatives. */
const INTERNAL_URLS = [
  "https://127.0.0.1:5432",
  "https://2130706433",
  "https://0x7f.0.0.1",
  "https://0177.0.0.1",
  "https://127.1",
  "https://127.0.0.1./hook",
  "https://[::ffff:127.0.0.1]",
  "https://[::ffff:7f00:1]",
  "https://[::127.0.0.1]",
  "https://[::]",
  "https://[::1]/hook",
  "https://0.0.0.0",
  "https://169.254.169.254/latest/meta-data/",
  "https://metadata.google.internal/computeMetadata/v1/",
  "https://metadata/computeMetadata/v1/",
  "https://10.0.0.5/hook",
  "https://172.16.0.1",
  "https://192.168.1.1",
  "https://100.64.0.1",
  "https://[fd00::1]",
  "https://[fe80::1]",
  "https://[64:ff9b::7f00:1]",
  "https://[2002:7f00:1::]",
  "https://224.0.0.1",
  "https://255.255.255.255",
  "https://localhost:3000/api",
  "https://admin.localhost",
  "https://printer.local",
  "https://db.internal",
];

let receiver: WebhookReceiverFake;
let strict: TestApp;
beforeAll(async () => {
  receiver = await startWebhookReceiverFake();
  strict = await startTestApp();
});
afterAll(async () => {
  await strict?.close();
  await receiver?.close();
});

const save = (t: TestApp, cookie: string, channel: string, url: string, enabled = true) => t.trpc("notification.save", cookie, { channel, enabled, config: { url } });
const sendTest = async (t: TestApp, cookie: string, channel = "webhook") => (await t.trpc("notification.sendTest", cookie, { channel })).data;
const savedRows = (t: TestApp, email: string) =>
  t.db.selectFrom("notification_channel").innerJoin("user", "user.id", "notification_channel.user_id").select("notification_channel.channel").where("user.email", "=", email).execute();

/** A port that answers TCP but not HTTP (as a database or SSH server would), and a closed one. */
async function tcpPorts() {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.end("SSH-2.0-OpenSSH_9.6\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const open = (server.address() as AddressInfo).port;
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const closed = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return {
    open,
    closed,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("internal addresses are refused at save", () => {
  it("for the webhook channel, in every spelling, with a 422 naming the URL and nothing stored", async () => {
    const u = await strict.signUpWithKey("ssrf-save@example.com");
    for (const url of INTERNAL_URLS) {
      const res = await save(strict, u.cookie, "webhook", url);
      expect({ url, status: res.status, code: res.error?.data?.appCode }).toEqual({ url, status: 422, code: "VALIDATION_FAILED" });
      expect(res.error.message).toMatch(PRIVATE);
      expect(res.error.message).toMatch(/URL/);
    }
    expect(await savedRows(strict, "ssrf-save@example.com")).toEqual([]);
  });

  it("for Slack and Discord webhooks: only the providers' own hosts", async () => {
    const u = await strict.signUpWithKey("ssrf-providers@example.com");
    const refused: [string, string][] = [
      ...INTERNAL_URLS.map((url): [string, string] => ["slack", url]),
      ...INTERNAL_URLS.map((url): [string, string] => ["discord_webhook", url]),
      ["slack", "https://example.com/services/T000/B000/XXXX"],
      ["slack", "https://hooks.slack.com.evil.example/services/T000/B000/XXXX"],
      ["slack", "https://hooks.slack.com@evil.example/services/T000/B000/XXXX"],
      ["slack", "https://hooks.slack.com/api/other"],
      ["discord_webhook", "https://example.com/api/webhooks/123/abc"],
      ["discord_webhook", "https://discord.com.evil.example/api/webhooks/123/abc"],
      ["discord_webhook", "https://discord.com/api/v10/users/@me"],
      ["discord_webhook", "http://discord.com/api/webhooks/123/abc"],
    ];
    for (const [channel, url] of refused) {
      const res = await save(strict, u.cookie, channel, url);
      expect({ channel, url, status: res.status }).toEqual({ channel, url, status: 422 });
      expect(res.error.message).toMatch(/URL/);
    }
    expect(await savedRows(strict, "ssrf-providers@example.com")).toEqual([]);

    const accepted: [string, string][] = [
      ["slack", "https://hooks.slack.com/services/T000/B000/XXXX"],
      ["discord_webhook", "https://discord.com/api/webhooks/123456789012345678/abc-DEF_1"],
      ["discord_webhook", "https://discordapp.com/api/webhooks/123456789012345678/abc"],
      ["discord_webhook", "https://canary.discord.com/api/webhooks/123456789012345678/abc"],
      ["discord_webhook", "https://ptb.discord.com/api/v10/webhooks/123456789012345678/abc"],
    ];
    for (const [channel, url] of accepted) {
      const res = await save(strict, u.cookie, channel, url);
      expect({ channel, url, error: res.error?.message }).toEqual({ channel, url, error: undefined });
    }
  });

  it("ALLOW_INSECURE_WEBHOOK_URLS allows http:// but not an internal address", async () => {
    const t = await startTestApp({ env: { ALLOW_INSECURE_WEBHOOK_URLS: "true" } });
    try {
      const u = await t.signUpWithKey("ssrf-insecure@example.com");
      const res = await save(t, u.cookie, "webhook", receiver.webhookUrl);
      expect(res.status).toBe(422);
      expect(res.error.message).toMatch(PRIVATE);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});

describe("a URL saved under a permissive setting", () => {
  it("stops working once ALLOW_PRIVATE_WEBHOOK_TARGETS is off: send test and deliveries fail at once with the reason", async () => {
    const t = await startTestApp({ env: { ALLOW_INSECURE_WEBHOOK_URLS: "true", ALLOW_PRIVATE_WEBHOOK_TARGETS: "true" } });
    try {
      const u = await t.signUpWithKey("ssrf-later@example.com");
      await t.trpc("category.quickStart", u.cookie);
      expect((await save(t, u.cookie, "webhook", receiver.webhookUrl)).error).toBeUndefined();
      receiver.reset();
      expect(await sendTest(t, u.cookie)).toEqual({ ok: true, statusCode: 204 });
      expect(receiver.received).toHaveLength(1);

      // The operator turns the setting off (a restart with the new environment).
      t.services.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = false;
      const test = await sendTest(t, u.cookie);
      expect(test).toMatchObject({ ok: false, statusCode: null, retryable: false });
      expect(test.error).toMatch(PRIVATE);

      const worker = createDeliveryWorker(t.services, { schedule: [50, 50], idleMs: 20, leaseMs: 30_000 });
      worker.start();
      try {
        const sent = await (await t.api("/api/v1/events", u.key, { json: { category: "sale", description: "after the setting changed" } })).json();
        await expect
          .poll(async () => await t.db.selectFrom("delivery").select(["status", "attempts", "last_error"]).where("event_id", "=", sent.id).executeTakeFirstOrThrow(), { timeout: 10_000, interval: 50 })
          .toMatchObject({ status: "FAILED", attempts: 1, last_error: expect.stringMatching(PRIVATE) });
      } finally {
        await worker.stop();
      }
      expect(receiver.received).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it("stops working once ALLOW_INSECURE_WEBHOOK_URLS is off", async () => {
    const t = await startTestApp({ env: { ALLOW_INSECURE_WEBHOOK_URLS: "true", ALLOW_PRIVATE_WEBHOOK_TARGETS: "true" } });
    try {
      const u = await t.signUpWithKey("ssrf-http-later@example.com");
      expect((await save(t, u.cookie, "webhook", receiver.webhookUrl)).error).toBeUndefined();
      t.services.env.ALLOW_INSECURE_WEBHOOK_URLS = false;
      receiver.reset();
      expect(await sendTest(t, u.cookie)).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/https:\/\//), retryable: false });
      expect(receiver.received).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});

describe("send test is not a port scanner", () => {
  it("an open and a closed local port answer alike: blocked without ALLOW_PRIVATE_WEBHOOK_TARGETS, one uniform failure with it", async () => {
    const ports = await tcpPorts();
    const t = await startTestApp({ env: { ALLOW_INSECURE_WEBHOOK_URLS: "true", ALLOW_PRIVATE_WEBHOOK_TARGETS: "true" } });
    try {
      const open = await t.signUpWithKey("scan-open@example.com");
      const closed = await t.signUpWithKey("scan-closed@example.com");
      const unknown = await t.signUpWithKey("scan-dns@example.com");
      expect((await save(t, open.cookie, "webhook", `http://127.0.0.1:${ports.open}/`)).error).toBeUndefined();
      expect((await save(t, closed.cookie, "webhook", `http://127.0.0.1:${ports.closed}/`)).error).toBeUndefined();
      // A public-looking name that does not resolve.
      expect((await save(t, unknown.cookie, "webhook", "http://hooks.pingpilot-no-such-host.invalid/")).error).toBeUndefined();

      const uniform = { ok: false, statusCode: null, error: UNDELIVERABLE, retryable: true };
      expect(await sendTest(t, open.cookie)).toEqual(uniform);
      expect(await sendTest(t, closed.cookie)).toEqual(uniform);
      expect(await sendTest(t, unknown.cookie)).toEqual(uniform);

      t.services.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = false;
      const blockedOpen = await sendTest(t, open.cookie);
      expect(blockedOpen).toMatchObject({ ok: false, statusCode: null, retryable: false, error: expect.stringMatching(PRIVATE) });
      expect(await sendTest(t, closed.cookie)).toEqual(blockedOpen);
    } finally {
      await t.close();
      await ports.close();
    }
  });

  it("keeps no internal response body: the status and its standard reason only, in the answer and in the stored error", async () => {
    const t = await startTestApp({ env: { ALLOW_INSECURE_WEBHOOK_URLS: "true", ALLOW_PRIVATE_WEBHOOK_TARGETS: "true" } });
    try {
      const u = await t.signUpWithKey("ssrf-body@example.com");
      await t.trpc("category.quickStart", u.cookie);
      expect((await save(t, u.cookie, "webhook", receiver.webhookUrl)).error).toBeUndefined();
      const secretBody = { internal: "db-password=hunter2 role=admin" };
      receiver.reset();
      receiver.failNext([{ status: 500, body: secretBody }]);
      expect(await sendTest(t, u.cookie)).toEqual({ ok: false, statusCode: 500, error: "500 Internal Server Error", retryable: true });
      receiver.failNext([{ status: 403, body: secretBody, headers: { "x-reason": "nope" } }]);
      expect(await sendTest(t, u.cookie)).toEqual({ ok: false, statusCode: 403, error: "403 Forbidden", retryable: false });

      // A redirect is not followed, and where it pointed is not echoed.
      receiver.failNext([{ status: 302, headers: { location: `${receiver.url}/internal/admin` } }]);
      expect(await sendTest(t, u.cookie)).toEqual({ ok: false, statusCode: 302, error: "302 Found: redirects are not followed", retryable: false });
      expect(receiver.received.map((r) => r.path)).toEqual(["/hooks/pingpilot", "/hooks/pingpilot", "/hooks/pingpilot"]);

      receiver.setPermanentFailure(404, secretBody);
      const worker = createDeliveryWorker(t.services, { schedule: [50], idleMs: 20, leaseMs: 30_000 });
      worker.start();
      try {
        const sent = await (await t.api("/api/v1/events", u.key, { json: { category: "sale" } })).json();
        await expect
          .poll(async () => await t.db.selectFrom("delivery").select(["status", "last_error"]).where("event_id", "=", sent.id).executeTakeFirstOrThrow(), { timeout: 10_000, interval: 50 })
          .toEqual({ status: "FAILED", last_error: "404 Not Found" });
        const attempts = await t.db.selectFrom("delivery_attempt").select("error").execute();
        expect(attempts.every((a) => !a.error?.includes("hunter2"))).toBe(true);
      } finally {
        await worker.stop();
        receiver.clearFailures();
      }
    } finally {
      await t.close();
    }
  });
});

describe("outbound requests cannot be multiplied", () => {
  const batch = (t: TestApp, cookie: string, calls: number) =>
    t.request(`/trpc/${Array(calls).fill("notification.sendTest").join(",")}?batch=1`, {
      method: "POST",
      cookie,
      body: JSON.stringify(Object.fromEntries(Array.from({ length: calls }, (_, i) => [String(i), { channel: "webhook" }]))),
    });

  it("a batch of 200 send tests is refused before any runs; smaller batches and repeats are rate-limited per user", async () => {
    const t = await startTestApp({ env: { ALLOW_INSECURE_WEBHOOK_URLS: "true", ALLOW_PRIVATE_WEBHOOK_TARGETS: "true" } });
    try {
      const u = await t.signUpWithKey("ssrf-batch@example.com");
      expect((await save(t, u.cookie, "webhook", receiver.webhookUrl)).error).toBeUndefined();
      receiver.reset();

      const huge = await batch(t, u.cookie, 200);
      expect(huge.status).toBe(400);
      expect(receiver.received).toHaveLength(0);

      const ten = await batch(t, u.cookie, 10);
      const results = (await ten.json()) as Array<{ result?: unknown; error?: { message: string; data: { httpStatus: number; appCode?: string } } }>;
      expect(results).toHaveLength(10);
      expect(results.filter((r) => r.result)).toHaveLength(5);
      const limited = results.filter((r) => r.error);
      expect(limited).toHaveLength(5);
      for (const r of limited) {
        expect(r.error!.data).toMatchObject({ httpStatus: 429, appCode: "RATE_LIMITED" });
        expect(r.error!.message).toMatch(/try again in \d+ seconds?/);
      }
      expect(receiver.received).toHaveLength(5);

      // One at a time is no way around it either.
      for (let i = 0; i < 20; i++) await t.trpc("notification.sendTest", u.cookie, { channel: "webhook" });
      expect(receiver.received).toHaveLength(5);

      // The limit is per user.
      const other = await t.signUpWithKey("ssrf-batch-other@example.com");
      expect((await save(t, other.cookie, "webhook", receiver.webhookUrl)).error).toBeUndefined();
      expect(await sendTest(t, other.cookie)).toEqual({ ok: true, statusCode: 204 });
    } finally {
      await t.close();
    }
  });
});
