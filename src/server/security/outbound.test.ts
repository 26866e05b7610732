import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkUserUrl } from "@/server/delivery/channels/user-url";
import {
  blockedAddressReason,
  checkOutboundUrl,
  createOutboundClient,
  guardedLookup,
  OutboundBlockedError,
  OutboundNetworkError,
  outboundUrlProblem,
  PRIVATE_TARGET_MESSAGE,
  type Resolve,
} from "./outbound";

/** A local HTTP server that records what reached it. */
let server: Server;
let port: number;
const hits: IncomingMessage[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req);
    if (req.url === "/big") {
      // 8 MB, of which the client may read only the first KB.
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 128) {
          sent++;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      return pump();
    }
    if (req.url === "/redirect") return void res.writeHead(302, { location: "/secret" }).end();
    res.writeHead(200, { "content-type": "text/plain" }).end("hello");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const strict = { allowInsecure: true, allowPrivate: false };
const resolveTo =
  (...addresses: string[]): Resolve =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("address classification", () => {
  it("refuses every non-public form, including mapped, NAT64 and legacy IPv6 forms of internal IPv4", () => {
    const refused = [
      "127.0.0.1",
      "127.255.255.254",
      "10.0.0.5",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "169.254.1.1",
      "100.64.0.1",
      "100.127.255.254",
      "0.0.0.0",
      "0.1.2.3",
      "255.255.255.255",
      "224.0.0.1",
      "239.255.255.250",
      "240.0.0.1",
      "192.0.2.1",
      "::1",
      "::",
      "fd00::1",
      "fc00::1",
      "fe80::1",
      "fe80::1%eth0",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.5",
      "::ffff:169.254.169.254",
      "::127.0.0.1",
      "64:ff9b::7f00:1",
      "64:ff9b::a00:5",
      "64:ff9b:1::1",
      "2002:7f00:1::",
      "2001::1",
      "2001:db8::1",
      "fec0::1",
      "not an address",
    ];
    for (const address of refused) expect({ address, refused: blockedAddressReason(address, false) !== null }).toEqual({ address, refused: true });
    const allowed = ["8.8.8.8", "1.1.1.1", "140.82.112.3", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"];
    for (const address of allowed) expect({ address, reason: blockedAddressReason(address, false) }).toEqual({ address, reason: null });
  });

  it("ALLOW_PRIVATE_WEBHOOK_TARGETS lifts the address check, but never for cloud metadata", () => {
    for (const address of ["127.0.0.1", "10.0.0.5", "fd00::1", "::1"]) expect(blockedAddressReason(address, true)).toBeNull();
    for (const address of ["169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16", "::ffff:168.63.129.16"])
      expect(blockedAddressReason(address, true)).not.toBeNull();
    expect(blockedAddressReason("168.63.129.16", false)).not.toBeNull();
    expect(outboundUrlProblem("https://metadata.google.internal/", { allowInsecure: false, allowPrivate: true })).toBe(PRIVATE_TARGET_MESSAGE);
    expect(outboundUrlProblem("https://intranet.corp.example/hook", { allowInsecure: false, allowPrivate: true })).toBeNull();
  });

  it("checks the scheme apart from the address", () => {
    expect(outboundUrlProblem("http://example.com/hook", { allowInsecure: false, allowPrivate: true })).toMatch(/https:\/\//);
    expect(outboundUrlProblem("http://example.com/hook", { allowInsecure: true, allowPrivate: false })).toBeNull();
    expect(outboundUrlProblem("ftp://example.com/hook", { allowInsecure: true, allowPrivate: true })).toMatch(/https:\/\//);
    expect(outboundUrlProblem("file:///etc/passwd", { allowInsecure: true, allowPrivate: true })).toMatch(/https:\/\//);
  });
});

describe("the check at save resolves the name", () => {
  it("refuses a name that resolves to an internal address, even among public ones", async () => {
    const policy = { allowInsecure: false, allowPrivate: false, slackBase: "https://hooks.slack.com", discordApiUrl: "https://discord.com/api/v10" };
    expect(await checkUserUrl("webhook", "https://hooks.example.com/in", policy, resolveTo("10.0.0.5"))).toBe(PRIVATE_TARGET_MESSAGE);
    expect(await checkUserUrl("webhook", "https://hooks.example.com/in", policy, resolveTo("93.184.215.14", "::1"))).toBe(PRIVATE_TARGET_MESSAGE);
    expect(await checkUserUrl("webhook", "https://hooks.example.com/in", policy, resolveTo("93.184.215.14"))).toBeNull();
    // Not resolvable now is not a reason to refuse: the connection checks again.
    const failing: Resolve = async () => Promise.reject(Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" }));
    expect(await checkOutboundUrl("https://hooks.example.com/in", policy, failing)).toBeNull();
  });
});

describe("the connection", () => {
  it("is refused when the name resolves to loopback (DNS rebinding), without reaching it", async () => {
    const before = hits.length;
    const client = createOutboundClient(strict, { resolve: resolveTo("127.0.0.1") });
    const error = await client.request(`http://rebind.example.com:${port}/`, { method: "POST", body: "{}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundNetworkError);
    expect((error as Error).message).toBe("Could not deliver to this URL");
    // The real reason is kept for logs, not shown.
    const reason = (error as Error & { cause?: { cause?: unknown } }).cause?.cause;
    expect(reason).toBeInstanceOf(OutboundBlockedError);
    expect((reason as OutboundBlockedError).detail).toBe("rebind.example.com resolves to 127.0.0.1 (loopback)");

    const mixed = createOutboundClient(strict, { resolve: resolveTo("93.184.215.14", "127.0.0.1") });
    await expect(mixed.request(`http://mixed.example.com:${port}/`, { method: "POST", body: "{}" })).rejects.toBeInstanceOf(OutboundNetworkError);
    expect(hits.length).toBe(before);
  });

  it("goes to exactly the address that was checked (no second lookup)", async () => {
    let lookups = 0;
    const resolve: Resolve = async () => {
      lookups++;
      return [{ address: "127.0.0.1", family: 4 }];
    };
    // This name exists nowhere: only the checked answer can have taken the request to the server.
    const client = createOutboundClient({ allowInsecure: true, allowPrivate: true }, { resolve });
    const res = await client.request(`http://pinned.pingpilot-test.invalid:${port}/`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    expect(res.body).toBe("hello");
    expect(hits.at(-1)!.headers.host).toBe(`pinned.pingpilot-test.invalid:${port}`);
    expect(lookups).toBe(1);
  });

  it("refuses a literal address before connecting, in any spelling", async () => {
    const before = hits.length;
    const client = createOutboundClient(strict);
    for (const host of ["127.0.0.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", "[::1]", "0.0.0.0"]) {
      await expect(client.request(`http://${host}:${port}/`, { method: "POST", body: "{}" })).rejects.toBeInstanceOf(OutboundBlockedError);
    }
    expect(hits.length).toBe(before);
  });

  it("a lookup for net.connect answers in both shapes and refuses blocked names", async () => {
    const lookup = guardedLookup(false, resolveTo("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"));
    const all = await new Promise((resolve, reject) => lookup("example.com", { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
    expect(all).toHaveLength(2);
    const one = await new Promise((resolve, reject) => lookup("example.com", { family: 6 }, (err, address, family) => (err ? reject(err) : resolve([address, family]))));
    expect(one).toEqual(["2606:2800:21f:cb07:6820:80da:af6b:8b2c", 6]);
    const refused = await new Promise((resolve) => lookup("metadata.google.internal", {}, (err) => resolve(err)));
    expect(refused).toBeInstanceOf(OutboundBlockedError);
  });

  it("reads at most the first KB of a body and does not follow redirects", async () => {
    const client = createOutboundClient({ allowInsecure: true, allowPrivate: true });
    const res = await client.request(`http://127.0.0.1:${port}/big`, { method: "GET" });
    expect(res.body.length).toBe(1024);
    const redirected = await client.request(`http://127.0.0.1:${port}/redirect`, { method: "POST", body: "{}" });
    expect(redirected.status).toBe(302);
    expect(hits.some((h) => h.url === "/secret")).toBe(false);
  });
});
