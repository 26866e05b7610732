import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/env";
import { canonicalIp, parseTrustProxy, resolveClientIp, type TrustProxy } from "@/server/security/trust-proxy";

const trust = (value: string): TrustProxy => {
  const t = parseTrustProxy(value);
  if (typeof t === "string") throw new Error(t);
  return t;
};
/** The client address of a request from `peer` carrying this X-Forwarded-For, under TRUST_PROXY=`setting`. */
const client = (setting: string, peer: string | undefined, xff?: string) => resolveClientIp(trust(setting), peer, xff);

describe("TRUST_PROXY off: the socket address, whatever the headers say", () => {
  it.each(["false", "0", "off", "", "  FALSE "])("%j", (setting) => {
    expect(trust(setting)).toEqual({ mode: "off" });
    expect(client(setting, "203.0.113.7", "127.0.0.1")).toBe("203.0.113.7");
    expect(client(setting, "127.0.0.1", "198.51.100.1, 198.51.100.2")).toBe("127.0.0.1");
  });
});

describe("TRUST_PROXY as a hop count: read from the right, never the client-written entries", () => {
  it("true is one hop (as before hop counts)", () => {
    expect(trust("true")).toEqual({ mode: "hops", hops: 1 });
    expect(trust("1")).toEqual({ mode: "hops", hops: 1 });
  });

  it("ignores spoofed leftmost entries: one proxy appends the real peer, which is the client", () => {
    // What nginx's $proxy_add_x_forwarded_for makes of a client that sent X-Forwarded-For: 127.0.0.1.
    expect(client("1", "127.0.0.1", "127.0.0.1, 203.0.113.7")).toBe("203.0.113.7");
    expect(client("1", "127.0.0.1", "1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.7")).toBe("203.0.113.7");
    expect(client("1", "127.0.0.1", "203.0.113.7")).toBe("203.0.113.7");
  });

  it("two hops: CDN then nginx", () => {
    expect(client("2", "127.0.0.1", "6.6.6.6, 203.0.113.7, 192.0.2.10")).toBe("203.0.113.7");
  });

  it("more hops configured than entries: the leftmost entry (nothing further left exists)", () => {
    expect(client("3", "127.0.0.1", "203.0.113.7")).toBe("203.0.113.7");
    expect(client("10", "127.0.0.1", "203.0.113.7, 192.0.2.10")).toBe("203.0.113.7");
  });

  it("no X-Forwarded-For: the socket address", () => {
    expect(client("1", "203.0.113.7", undefined)).toBe("203.0.113.7");
    expect(client("1", "203.0.113.7", "")).toBe("203.0.113.7");
  });

  it("a trusted hop that wrote garbage stops the walk at that hop", () => {
    for (const garbage of ["unknown", "", "not-an-ip", "203.0.113.7:4444", "2130706433", "0x7f.0.0.1", "010.0.0.1", "127.1", "1.2.3.4.5", "<script>"]) {
      expect(client("1", "127.0.0.1", `198.51.100.9, ${garbage}`)).toBe("127.0.0.1");
    }
    expect(client("2", "127.0.0.1", "6.6.6.6, garbage, 192.0.2.10")).toBe("192.0.2.10");
  });

  it("garbage left of the trusted hops is never read", () => {
    expect(client("1", "127.0.0.1", "garbage, , 010.0.0.1, 203.0.113.7")).toBe("203.0.113.7");
  });
});

describe("TRUST_PROXY as addresses/CIDRs: the first untrusted address from the right", () => {
  it("skips every trusted proxy, stops at the first address outside the list", () => {
    expect(client("127.0.0.1", "127.0.0.1", "127.0.0.1, 203.0.113.7")).toBe("203.0.113.7");
    expect(client("127.0.0.0/8,10.0.0.0/8", "127.0.0.1", "6.6.6.6, 203.0.113.7, 10.1.2.3")).toBe("203.0.113.7");
    // A spoofed internal address left of the real client is not reached.
    expect(client("127.0.0.0/8,10.0.0.0/8", "127.0.0.1", "10.9.9.9, 203.0.113.7, 10.1.2.3")).toBe("203.0.113.7");
  });

  it("a peer outside the list is the client, whatever it forwards", () => {
    expect(client("127.0.0.1/32", "203.0.113.7", "127.0.0.1")).toBe("203.0.113.7");
    expect(client("10.0.0.0/8", "127.0.0.1", "203.0.113.7")).toBe("127.0.0.1");
  });

  it("every entry trusted: the leftmost", () => {
    expect(client("loopback", "127.0.0.1", "127.0.0.5, 127.0.0.9")).toBe("127.0.0.5");
  });

  it("named ranges: loopback, linklocal, uniquelocal", () => {
    expect(client("loopback", "::1", "203.0.113.7")).toBe("203.0.113.7");
    expect(client("uniquelocal", "172.20.0.2", "203.0.113.7")).toBe("203.0.113.7");
    expect(client("uniquelocal", "fd00::1", "2001:db8::7")).toBe("2001:db8::7");
    expect(client("linklocal", "169.254.1.1", "203.0.113.7")).toBe("203.0.113.7");
    expect(client("loopback", "10.0.0.1", "203.0.113.7")).toBe("10.0.0.1");
  });

  it("IPv6 proxies and clients, in any spelling", () => {
    expect(client("::1", "::1", "2001:db8::7")).toBe("2001:db8::7");
    expect(client("2001:db8:ffff::/48", "2001:db8:ffff::2", "2001:0db8:0000::0007")).toBe("2001:db8::7");
    expect(client("1", "::1", "[2001:db8::7]")).toBe("2001:db8::7");
  });

  it("IPv4-mapped IPv6 is the IPv4 address, for the socket, the entries and the list", () => {
    expect(client("127.0.0.1", "::ffff:127.0.0.1", "203.0.113.7")).toBe("203.0.113.7");
    expect(client("::ffff:127.0.0.0/104", "127.0.0.1", "::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(client("false", "::ffff:203.0.113.7", undefined)).toBe("203.0.113.7");
    // One client, one throttle bucket, however it is spelled.
    expect(client("1", "127.0.0.1", "::ffff:cb00:7107")).toBe("203.0.113.7");
  });
});

describe("canonicalIp", () => {
  it("parses only dotted-quad IPv4 and IPv6", () => {
    expect(canonicalIp("203.0.113.7")?.toString()).toBe("203.0.113.7");
    expect(canonicalIp(" ::FFFF:203.0.113.7 ")?.toString()).toBe("203.0.113.7");
    for (const bad of [undefined, "", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "::ffff:0x7f.0.0.1", "::ffff:010.0.0.1", "localhost", "1.2.3.4:80"]) {
      expect(canonicalIp(bad), String(bad)).toBeUndefined();
    }
  });
});

describe("TRUST_PROXY in the environment", () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), "pingpilot-env-"));
  const problemsOf = (value: string) => {
    try {
      parseEnv({ DATA_DIR: dataDir(), TRUST_PROXY: value });
    } catch (e) {
      if (e instanceof EnvError) return e.problems;
      throw e;
    }
    return [];
  };

  it("defaults to off", () => {
    expect(parseEnv({ DATA_DIR: dataDir() }).TRUST_PROXY).toEqual({ mode: "off" });
  });

  it.each([
    ["1", { mode: "hops", hops: 1 }],
    ["true", { mode: "hops", hops: 1 }],
    ["2", { mode: "hops", hops: 2 }],
    ["false", { mode: "off" }],
  ])("accepts %j", (value, expected) => {
    expect(parseEnv({ DATA_DIR: dataDir(), TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it("accepts a list of addresses, CIDRs and named ranges", () => {
    const t = parseEnv({ DATA_DIR: dataDir(), TRUST_PROXY: "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8, loopback" }).TRUST_PROXY;
    expect(t.mode).toBe("ranges");
    expect(t.mode === "ranges" && t.ranges.map(([a, bits]) => `${a.toString()}/${bits}`)).toEqual(["127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8", "127.0.0.0/8", "::1/128"]);
  });

  it.each([
    ["11", /^TRUST_PROXY: a hop count must be between 0 and 10/],
    ["yes", /^TRUST_PROXY: "yes" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal/],
    ["127.0.0.1,localhost", /^TRUST_PROXY: "localhost" is not an IP address/],
    ["10.0.0.0/33", /^TRUST_PROXY: "10.0.0.0\/33" is not/],
    ["10.0.0.0/8/8", /^TRUST_PROXY: "10.0.0.0\/8\/8" is not/],
    ["010.0.0.0/8", /^TRUST_PROXY: "010.0.0.0\/8" is not/],
    ["2130706433", /^TRUST_PROXY: a hop count must be between 0 and 10/],
    ["::1/129", /^TRUST_PROXY: "::1\/129" is not/],
    ["127.0.0.1,", /^TRUST_PROXY: .*empty entry/],
    ["-1", /^TRUST_PROXY: "-1" is not/],
  ])("refuses %j with a clear message", (value, message) => {
    const problems = problemsOf(value);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
