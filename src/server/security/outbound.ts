/**
 * The one way PingPilot reaches a URL a user typed (webhook, Slack and Discord webhooks).
 *
 * A user-supplied URL is an attacker-chosen request from inside our network, so:
 * - the URL is checked before anything is sent: scheme, literal addresses in every spelling
 *   (the WHATWG parser turns `2130706433`, `0x7f.1`, `0177.0.0.1` into `127.0.0.1`), names that
 *   only mean something inside a network (`localhost`, `*.internal`, single labels, …);
 * - the connection resolves the name itself and refuses it if ANY address it resolves to is not
 *   public unicast, then connects to exactly the address it checked, so a second DNS answer
 *   (rebinding) can never slip in between the check and the connection;
 * - redirects are never followed and response bodies are read only up to a small bound.
 *
 * Provider base URLs from the environment (DISCORD_API_URL, …) are the operator's and do not
 * come through here.
 */
import { promises as dns, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";

export type OutboundPolicy = {
  /** ALLOW_INSECURE_WEBHOOK_URLS: http:// as well as https://. Nothing else. */
  allowInsecure: boolean;
  /** ALLOW_PRIVATE_WEBHOOK_TARGETS: loopback, private, link-local… addresses (cloud metadata never). */
  allowPrivate: boolean;
};

/** Resolves a host name to every address it has (like `dns.lookup(…, { all: true })`). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * For the check at save: DNS queries through c-ares with their own timeout. dns.lookup runs on
 * libuv's four-thread pool and cannot be cancelled, so names whose servers never answer, saved
 * in a burst, could hold every thread (and stall password hashing); these queries hold none.
 */
const queryResolve: Resolve = async (hostname) => {
  const resolver = new dns.Resolver({ timeout: 1_500, tries: 1 });
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
  return [...(v4.status === "fulfilled" ? v4.value.map((address) => ({ address, family: 4 })) : []), ...(v6.status === "fulfilled" ? v6.value.map((address) => ({ address, family: 6 })) : [])];
};

/** What a user reads when a URL is refused for where it points. The same for every reason, so it maps nothing. */
export const PRIVATE_TARGET_MESSAGE = "This URL points to a local, private or reserved network address; PingPilot only sends to public internet addresses.";
/**
 * What a user reads for any failure to reach their URL: refused, reset, timed out, unknown host,
 * or a host that resolves to a refused address. One text, so "send test" cannot scan ports.
 */
export const UNDELIVERABLE_MESSAGE = "Could not deliver to this URL";

/**
 * Cloud metadata and host services: never a notification target, whatever
 * ALLOW_PRIVATE_WEBHOOK_TARGETS says. 168.63.129.16 (Azure's WireServer) is a public address
 * that only answers from inside Azure, so the public-unicast rule alone would let it through.
 */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16", "fd00:ec2::254"]);
const METADATA_NAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"]);
/** Names that only resolve inside a network (RFC 6761, 6762, 8375; ICANN's .internal). */
const LOCAL_SUFFIXES = ["localhost", "local", "internal", "localdomain", "home.arpa"];

const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");
const IPV6_RESERVED_ZERO = ipaddr.parseCIDR("::/8");

/** A refused destination. `message` is safe to show; `detail` is for the operator's logs. */
export class OutboundBlockedError extends Error {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message);
    this.name = "OutboundBlockedError";
  }
}

/** The destination could not be reached; the real cause stays in `cause`, never in the message. */
export class OutboundNetworkError extends Error {
  constructor(cause: unknown) {
    super(UNDELIVERABLE_MESSAGE, { cause });
    this.name = "OutboundNetworkError";
  }
}

/**
 * Why an address may not be connected to, or null when it is public unicast. IPv4-mapped IPv6
 * is judged as the IPv4 address it carries, and so is the well-known NAT64 prefix; every range
 * ipaddr.js names (loopback, private, linkLocal, carrierGradeNat, uniqueLocal, multicast,
 * unspecified, broadcast, reserved, 6to4, teredo, …) is refused, only "unicast" passes.
 */
export function blockedAddressReason(address: string, allowPrivate: boolean): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address.replace(/%.*$/, ""));
  } catch {
    return "unparseable address";
  }
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).match(NAT64_WELL_KNOWN)) {
    const bytes = (ip as ipaddr.IPv6).toByteArray().slice(12);
    ip = new ipaddr.IPv4(bytes);
  }
  if (METADATA_ADDRESSES.has(ip.toNormalizedString()) || METADATA_ADDRESSES.has(ip.toString())) return "cloud metadata address";
  if (allowPrivate) return null;
  const range = ip.range();
  if (range !== "unicast") return range;
  // ::/8 holds the deprecated IPv4-compatible form (::127.0.0.1) that ipaddr.js calls unicast.
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).match(IPV6_RESERVED_ZERO)) return "reserved";
  return null;
}

/** A host name without brackets, trailing dots or case. */
function bareHost(hostname: string) {
  return hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.+$/, "")
    .toLowerCase();
}

/** Why a host name (not an address) may not be used, or null. */
export function blockedNameReason(hostname: string, allowPrivate: boolean): string | null {
  const host = bareHost(hostname);
  if (METADATA_NAMES.has(host)) return "cloud metadata name";
  if (allowPrivate) return null;
  if (!host.includes(".")) return "single-label name";
  if (LOCAL_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) return "local name";
  return null;
}

/** Why this host (name or address) is refused, or null. */
function blockedHostReason(hostname: string, allowPrivate: boolean) {
  const host = bareHost(hostname);
  return isIP(host) ? blockedAddressReason(host, allowPrivate) : blockedNameReason(host, allowPrivate);
}

/**
 * What is wrong with a user-supplied URL without touching the network (scheme, literal address,
 * local names), as a sentence for the user; null when it may be tried.
 */
export function outboundUrlProblem(url: string | URL, policy: OutboundPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "Use a full URL like https://…";
  }
  const schemeOk = parsed.protocol === "https:" || (policy.allowInsecure && parsed.protocol === "http:");
  if (!schemeOk) return "The URL must start with https://";
  if (!parsed.hostname) return "Use a full URL like https://…";
  if (blockedHostReason(parsed.hostname, policy.allowPrivate)) return PRIVATE_TARGET_MESSAGE;
  return null;
}

/**
 * The same check plus a DNS lookup, for saving a URL: a name that resolves to a refused address
 * is refused now rather than at the first event. A name that does not resolve (yet, or offline)
 * is not an error here; the connection checks again whatever it resolves to then.
 */
export async function checkOutboundUrl(url: string, policy: OutboundPolicy, resolve: Resolve = queryResolve, timeoutMs = 3_000): Promise<string | null> {
  const problem = outboundUrlProblem(url, policy);
  if (problem) return problem;
  const host = bareHost(new URL(url).hostname);
  if (isIP(host)) return null;
  let timer: NodeJS.Timeout | undefined;
  const addresses = await Promise.race([resolve(host).catch(() => [] as LookupAddress[]), new Promise<LookupAddress[]>((done) => (timer = setTimeout(() => done([]), timeoutMs)))]).finally(() =>
    clearTimeout(timer),
  );
  return addresses.some((a) => blockedAddressReason(a.address, policy.allowPrivate)) ? PRIVATE_TARGET_MESSAGE : null;
}

/**
 * A `lookup` for net/tls.connect: resolves once, refuses the host if any of its addresses is
 * refused (a name with one private address among public ones is not a public name), and hands
 * back exactly the checked addresses, which the socket then connects to.
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    const refused = blockedNameReason(hostname, allowPrivate);
    if (refused) return callback(new OutboundBlockedError(PRIVATE_TARGET_MESSAGE, `${hostname}: ${refused}`), "", 0);
    resolve(hostname).then(
      (addresses) => {
        const blocked = addresses.find((a) => blockedAddressReason(a.address, allowPrivate));
        if (blocked) {
          const reason = blockedAddressReason(blocked.address, allowPrivate);
          return callback(new OutboundBlockedError(PRIVATE_TARGET_MESSAGE, `${hostname} resolves to ${blocked.address} (${reason})`), "", 0);
        }
        const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : (options.family ?? 0);
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (!usable.length) {
          return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname }), "", 0);
        }
        if (options.all) return callback(null, usable);
        return callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  };
}

/** The answer of a user URL: status, headers and at most `maxBodyBytes` of the body. */
export type OutboundResponse = { status: number; statusText: string; headers: { get(name: string): string | null }; body: string };

export type OutboundRequest = { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal; maxBodyBytes?: number };

export type OutboundClient = { request(url: string | URL, init: OutboundRequest): Promise<OutboundResponse> };

const DEFAULT_MAX_BODY_BYTES = 1024;

/**
 * An HTTP client for user-supplied URLs. Throws OutboundBlockedError for a URL or destination
 * the policy refuses before any connection, OutboundNetworkError for anything else that keeps
 * the request from being answered (including a host that resolves to a refused address).
 */
export function createOutboundClient(policy: OutboundPolicy, opts: { resolve?: Resolve; connectTimeoutMs?: number } = {}): OutboundClient {
  const connector = buildConnector({ timeout: opts.connectTimeoutMs ?? 10_000, lookup: guardedLookup(policy.allowPrivate, opts.resolve) });
  const agent = new Agent({
    // net.connect does not call `lookup` for an address, so addresses are checked here.
    connect: (options, callback) => {
      const host = bareHost(options.hostname);
      const refused = isIP(host) ? blockedAddressReason(host, policy.allowPrivate) : null;
      if (refused) return callback(new OutboundBlockedError(PRIVATE_TARGET_MESSAGE, `${host} (${refused})`), null);
      connector(options, callback);
    },
  });

  return {
    async request(url, init) {
      const problem = outboundUrlProblem(url, policy);
      if (problem) throw new OutboundBlockedError(problem, String(url));
      let res: Awaited<ReturnType<typeof undiciFetch>>;
      try {
        res = await undiciFetch(url, {
          method: init.method ?? "POST",
          headers: init.headers,
          body: init.body,
          signal: init.signal,
          // A redirect would send the request on to a URL nobody checked (and that the user may not see).
          redirect: "manual",
          dispatcher: agent,
        });
      } catch (err) {
        throw new OutboundNetworkError(err);
      }
      const body = await readBounded(res.body, init.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      return { status: res.status, statusText: res.statusText, headers: res.headers, body };
    },
  };
}

/** At most `max` bytes of a body as text; the rest is never downloaded. A broken body reads as what arrived. */
type ByteStream = { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } };

async function readBounded(stream: ByteStream | null, max: number): Promise<string> {
  if (!stream) return "";
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done || !value) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // reset or aborted mid-body
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString("utf8");
}

const clients = new Map<string, OutboundClient>();

/** The process-wide client for a policy: one connection pool per setting, built on first use. */
export function outboundClient(policy: OutboundPolicy): OutboundClient {
  const key = `${policy.allowInsecure}:${policy.allowPrivate}`;
  let client = clients.get(key);
  if (!client) clients.set(key, (client = createOutboundClient(policy)));
  return client;
}
