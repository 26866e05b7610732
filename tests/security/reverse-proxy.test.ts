/**
 * Issue 8, findings 1 and 2, end to end: PingPilot's HTTP server behind a real reverse proxy
 * that appends the peer to X-Forwarded-For the way nginx does. Whatever TRUST_PROXY says (off,
 * a hop count, a CIDR list), a remote client can neither read the dev mailbox nor get around
 * the per-IP sign-in throttle by writing its own X-Forwarded-For.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listDevMail } from "@/server/mail/mail.queries";
import { createThrottle } from "@/server/security/throttle";
import { captureLogger, LEVEL, type LogLine } from "../support/capture-logger";
import { startRealServer, type RealServer } from "../support/real-server";
import { SIMULATED_PEER_HEADER, sendHttp, startReverseProxy, type ReverseProxy } from "../support/reverse-proxy";
import { TEST_ORIGIN } from "../support/test-app";

/** A client as the proxy sees it: a real distinct loopback peer, or a public address the proxy is told to use. */
type Client = { localAddress?: string; simulatedPeer?: string };

const setups: { name: string; trustProxy: string; alice: Client; mallory: Client; bob: Client; separateBuckets: boolean }[] = [
  // nginx in front but PingPilot not told: every client is the proxy (127.0.0.1).
  { name: "off", trustProxy: "false", alice: { localAddress: "127.0.0.4" }, mallory: { localAddress: "127.0.0.2" }, bob: { localAddress: "127.0.0.3" }, separateBuckets: false },
  { name: "one hop", trustProxy: "1", alice: { localAddress: "127.0.0.4" }, mallory: { localAddress: "127.0.0.2" }, bob: { localAddress: "127.0.0.3" }, separateBuckets: true },
  { name: "the proxy's address", trustProxy: "127.0.0.1/32", alice: { localAddress: "127.0.0.4" }, mallory: { localAddress: "127.0.0.2" }, bob: { localAddress: "127.0.0.3" }, separateBuckets: true },
  // All of loopback is trusted, so the remote clients have public addresses (told to the proxy).
  {
    name: "a CIDR list",
    trustProxy: "127.0.0.0/8,::1",
    alice: { simulatedPeer: "192.0.2.40" },
    mallory: { simulatedPeer: "203.0.113.66" },
    bob: { simulatedPeer: "198.51.100.7" },
    separateBuckets: true,
  },
];

const IP_MAX = 3;

describe.each(setups)("behind a reverse proxy, TRUST_PROXY=$trustProxy ($name)", ({ trustProxy, alice, mallory, bob, separateBuckets }) => {
  let app: RealServer;
  let proxy: ReverseProxy;
  const log = captureLogger("info");

  function send(client: Client, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (client.simulatedPeer) headers[SIMULATED_PEER_HEADER] = client.simulatedPeer;
    if (init.body !== undefined) Object.assign(headers, { "content-type": "application/json", origin: TEST_ORIGIN });
    return sendHttp(`${proxy.url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      localAddress: client.localAddress,
    });
  }
  const signIn = (client: Client, email: string, forwardedFor?: string) =>
    send(client, "/api/auth/sign-in/email", { body: { email, password: "wrong password 123" }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } });

  beforeAll(async () => {
    app = await startRealServer({ logger: log.logger, env: { TRUST_PROXY: trustProxy, AUTH_THROTTLE_IP_MAX: String(IP_MAX), AUTH_THROTTLE_ACCOUNT_MAX: "1000" } });
    proxy = await startReverseProxy(app.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await app?.close();
  });
  beforeEach(() => {
    const { env } = app.services;
    app.services.throttle = createThrottle({ windowMs: env.AUTH_THROTTLE_WINDOW_SECONDS * 1000, ipMax: env.AUTH_THROTTLE_IP_MAX, accountMax: env.AUTH_THROTTLE_ACCOUNT_MAX });
  });

  it("a remote client cannot read Alice's magic link from the dev mailbox, even claiming to be 127.0.0.1; the token from the start log can", async () => {
    const mailer = app.services.mailer;
    if (mailer.mode !== "dev-mailbox") throw new Error("SMTP_URL is unset: expected the dev mailbox");
    const asked = await send(alice, "/api/auth/sign-in/magic-link", { body: { email: "alice@example.com", callbackURL: "/dashboard" } });
    expect(asked.status).toBe(200);
    await expect.poll(async () => (await listDevMail(app.services.db)).length).toBe(1);
    const [mail] = await listDevMail(app.services.db);
    const magicToken = mail!.text_body.match(/magic-link\/verify\?token=([^&\s]+)/)?.[1];
    expect(magicToken).toBeTruthy();

    const spoofs: Record<string, string>[] = [
      {},
      { "x-forwarded-for": "127.0.0.1" },
      { "x-forwarded-for": "::1" },
      { "x-forwarded-for": "127.0.0.1, 127.0.0.1" },
      { "x-real-ip": "127.0.0.1", forwarded: "for=127.0.0.1" },
    ];
    for (const headers of spoofs) {
      for (const path of ["/dev/mailbox", "/dev/mailbox/messages.json", "/dev/mailbox?token=", "/dev/mailbox?token=guess"]) {
        const res = await send(mallory, path, { headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(404);
        expect(res.body).not.toContain(magicToken);
        expect(res.body).not.toContain("alice@example.com");
      }
    }
    // Straight to the server from this machine, no proxy: an address is never the key.
    expect((await sendHttp(`${app.url}/dev/mailbox`)).status).toBe(404);

    // The operator, with the URL from the start log.
    const opened = await send(bob, `/dev/mailbox?token=${mailer.devMailboxToken}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe("/dev/mailbox");
    const cookie = opened.headers["set-cookie"]![0]!.split(";")[0]!;
    const page = await send(bob, "/dev/mailbox", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect(page.headers["cache-control"]).toBe("no-store");
    expect(page.body).toContain(magicToken);

    // The log names the mail but holds neither its text nor its link.
    expect(log.lines.some((l) => l.to === "alice@example.com" && l.subject)).toBe(true);
    expect(log.text()).not.toContain(magicToken);
  });

  it("rotating a spoofed X-Forwarded-For does not get around the per-IP sign-in throttle", async () => {
    const spoofed = ["198.51.100.1", "127.0.0.1", "10.0.0.1, 10.0.0.2", "2001:db8::1", "garbage", "203.0.113.200"];
    const statuses: number[] = [];
    for (const [i, xff] of spoofed.entries()) statuses.push((await signIn(mallory, `victim${i}@example.com`, xff)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    const blocked = await signIn(mallory, "victim-last@example.com", "192.0.2.99");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
  });

  it(separateBuckets ? "another real client keeps its own bucket" : "every client shares the proxy's bucket, and the log says once what to set", async () => {
    for (let i = 0; i < IP_MAX; i++) expect((await signIn(mallory, `m${i}@example.com`)).status).toBe(401);
    expect((await signIn(mallory, "m-next@example.com")).status).toBe(429);
    // Bob, from another address, even echoing Mallory's real address as if he were behind her.
    const bobStatus = (await signIn(bob, "bob@example.com", "203.0.113.66")).status;
    const warnings = (lines: LogLine[]) => lines.filter((l) => l.level === LEVEL.warn && /TRUST_PROXY/.test(l.msg));
    if (separateBuckets) {
      expect(bobStatus).toBe(401);
      expect(warnings(log.lines)).toEqual([]);
    } else {
      expect(bobStatus).toBe(429);
      expect(warnings(log.lines)).toHaveLength(1);
      expect(warnings(log.lines)[0]!.msg).toMatch(/X-Forwarded-For while TRUST_PROXY is off.*TRUST_PROXY=1/);
    }
  });
});
