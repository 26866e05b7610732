import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/**
 * Which hops in front of PingPilot may tell it the client address, as TRUST_PROXY says:
 * - `off`: the socket peer is the client; X-Forwarded-For is ignored.
 * - `hops`: that many proxies stand in front (nginx on the same host is 1); the client is the
 *   address that many entries from the right of socket + X-Forwarded-For.
 * - `ranges`: the proxies are these addresses/CIDRs; the client is the first address, walking
 *   from the socket leftwards through X-Forwarded-For, that is not one of them.
 * Entries left of the trusted hops are written by the client and never read.
 */
export type TrustProxy = { mode: "off" } | { mode: "hops"; hops: number } | { mode: "ranges"; ranges: Range[]; spec: string };

/** Named ranges, as in the best-known proxy-aware servers. */
const NAMED: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

const MAX_HOPS = 10;

/** The parsed setting, or a sentence saying what is wrong with it. */
export function parseTrustProxy(value: string): TrustProxy | string {
  const v = value.trim().toLowerCase();
  if (v === "" || v === "false" || v === "0" || v === "off") return { mode: "off" };
  // `true` predates hop counts: it meant "one proxy in front", and now says exactly that.
  if (v === "true") return { mode: "hops", hops: 1 };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= MAX_HOPS ? { mode: "hops", hops } : `a hop count must be between 0 and ${MAX_HOPS} (got ${v})`;
  }
  const ranges: Range[] = [];
  for (const item of v.split(",").map((s) => s.trim())) {
    if (!item) return `"${value.trim()}" has an empty entry; use false, a hop count such as 1, or a comma-separated list such as 127.0.0.1,10.0.0.0/8`;
    for (const cidr of NAMED[item] ?? [item]) {
      const range = parseRange(cidr);
      if (!range) return `"${item}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal (use false, a hop count such as 1, or a list such as 127.0.0.1,10.0.0.0/8)`;
      ranges.push(range);
    }
  }
  return { mode: "ranges", ranges, spec: v };
}

function parseRange(text: string): Range | undefined {
  const [addr, bits, ...rest] = text.split("/");
  const a = parseStrict(addr!);
  if (!a || rest.length) return undefined;
  const max = a.kind() === "ipv4" ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) return undefined;
  // ::ffff:10.0.0.0/104 and 10.0.0.0/8 are the same proxies; keep the IPv4 form.
  if (a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) return [(a as ipaddr.IPv6).toIPv4Address(), prefix - 96];
  return [a, prefix];
}

/**
 * Dotted-quad IPv4 or IPv6 only. ipaddr.parse also takes 2130706433, 0x7f.1 and 010.0.0.1
 * (octal: 8.0.0.1); no proxy writes those, and reading them would give one client many spellings.
 */
function parseStrict(text: string): Address | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const tail = text.slice(text.lastIndexOf(":") + 1).split("%")[0]!;
  if (tail.includes(".") && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
  return ipaddr.IPv6.parse(text);
}

/** An address in one canonical spelling (IPv4-mapped IPv6 as IPv4), or undefined when it is not an IP. */
export function canonicalIp(value: string | undefined): Address | undefined {
  if (!value) return undefined;
  const a = parseStrict(value.trim().replace(/^\[(.*)\]$/, "$1"));
  if (!a) return undefined;
  return a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
}

function inRanges(a: Address, ranges: Range[]) {
  return ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));
}

/**
 * The client address of a request that came from `peer` with this X-Forwarded-For header.
 * Walks right to left from the socket, only through hops the setting trusts.
 */
export function resolveClientIp(trust: TrustProxy, peer: string | undefined, forwardedFor: string | undefined): string {
  const socket = canonicalIp(peer);
  if (!socket) return peer || "unknown";
  if (trust.mode === "off" || !forwardedFor) return socket.toString();
  // Each proxy's entry from the nearest (rightmost) outwards.
  const entries = forwardedFor.split(",").reverse();
  let client = socket;
  for (let i = 0; i < entries.length; i++) {
    const trusted = trust.mode === "hops" ? i < trust.hops : inRanges(client, trust.ranges);
    if (!trusted) break;
    const next = canonicalIp(entries[i]);
    // A hop we trust wrote something that is not an address: the client cannot be told apart
    // beyond it, so that hop is the address.
    if (!next) break;
    client = next;
  }
  return client.toString();
}
