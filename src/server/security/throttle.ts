/**
 * Fixed-window attempt counters for the auth endpoints, per client address and per account. A
 * window always ends, so the legitimate user is never locked out for longer than
 * AUTH_THROTTLE_WINDOW_SECONDS. Two implementations with the same answers (`Throttle`): this
 * one in memory, for the SQLite default where one process serves auth; and
 * `createPgThrottle` (limits.postgres.ts), one row per key in PostgreSQL, so the limits hold
 * across any number of instances. services.ts picks by dialect.
 *
 * In memory, memory is bounded: each kind (IP, account) tracks at most `maxKeys` keys. Every
 * window has the same length and a key keeps its first insertion slot, so the Map's order is
 * expiry order: at the cap, expired keys are dropped from the front, then live keys still under
 * their limit. A key at its limit is never dropped, so flooding the throttle with new keys
 * cannot wipe the counter of an account being guessed at; when only such keys are left, a new
 * key is refused (the caller answers 429) rather than let in uncounted.
 *
 * IPv6 clients are counted per /64: one subscriber usually holds a whole /64, so counting
 * single addresses would give them billions of fresh buckets.
 */
import ipaddr from "ipaddr.js";

type Window = { count: number; resetAt: number };

export type Throttle = {
  /**
   * Counts one attempt against the client address and, when given, the account, unless one of
   * them is at its limit: then nothing is counted. Resolves with the seconds to wait before
   * trying again, or 0 when the attempt may go ahead. Check and count are one step, so
   * parallel attempts (on any instance) cannot all slip under the limit.
   */
  attempt(ip: string, account?: string): Promise<number>;
  /** Gives back one counted attempt of the account (it turned out not to count: a right password). */
  refund(account: string): Promise<void>;
  /** Clears the account's count (a successful sign-in). */
  reset(account: string): Promise<void>;
  /** Keys currently tracked, per kind (for tests and diagnostics). */
  size(): Promise<{ ip: number; account: number }>;
};

export type ThrottleOptions = { windowMs: number; ipMax: number; accountMax: number };

/** Longest email accepted as an account key (RFC 5321 path limit); longer ones are refused before counting. */
export const MAX_EMAIL_LENGTH = 254;
const DEFAULT_MAX_KEYS = 50_000;

function createCounter(windowMs: number, max: number, maxKeys: number, now: () => number) {
  const windows = new Map<string, Window>();

  function live(key: string) {
    const w = windows.get(key);
    if (w && w.resetAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return w;
  }

  /**
   * At the cap: drop expired keys, then the oldest keys under their limit, down to 90 % (in
   * batches, so each insert stays cheap). False when every key left is at its limit.
   */
  function makeRoom() {
    if (windows.size < maxKeys) return true;
    const t = now();
    for (const [k, w] of windows) {
      if (w.resetAt > t) break;
      windows.delete(k);
    }
    let excess = windows.size - Math.floor(maxKeys * 0.9);
    for (const [k, w] of windows) {
      if (excess <= 0) break;
      if (w.count < max) {
        windows.delete(k);
        excess--;
      }
    }
    return windows.size < maxKeys;
  }

  return {
    /** Seconds until `key` may try again, or 0 when it is under the limit. */
    blockedFor(key: string) {
      const w = live(key);
      return w && w.count >= max ? Math.max(1, Math.ceil((w.resetAt - now()) / 1000)) : 0;
    },
    /** Counts an attempt; false when there is no room to track a new key (treat as throttled). */
    record(key: string) {
      const w = live(key);
      if (w) {
        w.count++;
        return true;
      }
      if (!makeRoom()) return false;
      windows.set(key, { count: 1, resetAt: now() + windowMs });
      return true;
    },
    /** Gives back one counted attempt (it turned out not to count: a right password). */
    refund(key: string) {
      const w = live(key);
      if (w && w.count > 0) w.count--;
    },
    reset: (key: string) => void windows.delete(key),
    size: () => windows.size,
  };
}

/** The throttle key of an account: its email, lower-cased, at most MAX_EMAIL_LENGTH characters. */
export const accountKey = (email: string) => email.slice(0, MAX_EMAIL_LENGTH).toLowerCase();

export function createThrottle(opts: ThrottleOptions & { maxKeys?: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
  const ips = createCounter(opts.windowMs, opts.ipMax, maxKeys, now);
  const accounts = createCounter(opts.windowMs, opts.accountMax, maxKeys, now);

  /** Settles at once: nothing is awaited in memory, so check and count cannot interleave. */
  function attempt(ip: string, account?: string) {
    const wait = Math.max(ips.blockedFor(ipKey(ip)), account ? accounts.blockedFor(accountKey(account)) : 0);
    if (wait > 0) return wait;
    // No room to track a new key: refused for a whole window rather than let in uncounted.
    if (!ips.record(ipKey(ip)) || (account && !accounts.record(accountKey(account)))) return Math.ceil(opts.windowMs / 1000);
    return 0;
  }

  const throttle: Throttle = {
    attempt: async (ip, account) => attempt(ip, account),
    refund: async (email) => accounts.refund(accountKey(email)),
    reset: async (email) => accounts.reset(accountKey(email)),
    size: async () => ({ ip: ips.size(), account: accounts.size() }),
  };
  return {
    ...throttle,
    // The counters themselves, synchronous (memory-only tests).
    ip: {
      blockedFor: (ip: string) => ips.blockedFor(ipKey(ip)),
      record: (ip: string) => ips.record(ipKey(ip)),
    },
    account: {
      blockedFor: (email: string) => accounts.blockedFor(accountKey(email)),
      record: (email: string) => accounts.record(accountKey(email)),
      refund: (email: string) => accounts.refund(accountKey(email)),
      reset: (email: string) => accounts.reset(accountKey(email)),
    },
  };
}

/** The throttle key of a client address: IPv4 as is, IPv6 as its /64 network. */
export function ipKey(ip: string) {
  if (!ip.includes(":") || !ipaddr.IPv6.isValid(ip)) return ip;
  const address = ipaddr.IPv6.parse(ip);
  if (address.isIPv4MappedAddress()) return address.toIPv4Address().toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`;
}
