/**
 * Fixed-window attempt counters for the auth endpoints, kept in memory: one
 * process serves auth on the SQLite default. A window always ends, so the legitimate user
 * is never locked out for longer than AUTH_THROTTLE_WINDOW_SECONDS.
 *
 * Memory is bounded: each kind (IP, account) tracks at most `maxKeys` keys. Every window has
 * the same length and a key keeps its first insertion slot, so the Map's order is expiry
 * order: at the cap, expired keys are dropped from the front, then the live ones closest to
 * expiring. IPs and accounts have separate caps so a flood of
 * addresses cannot push out the counters of the accounts being guessed at.
 */
type Window = { count: number; resetAt: number };

export type Throttle = ReturnType<typeof createThrottle>;

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

  /** At the cap: drop expired keys, then the oldest tenth; in batches, so each insert stays cheap. */
  function makeRoom() {
    if (windows.size < maxKeys) return;
    const t = now();
    for (const [k, w] of windows) {
      if (w.resetAt > t) break;
      windows.delete(k);
    }
    let excess = windows.size - Math.floor(maxKeys * 0.9);
    for (const k of windows.keys()) {
      if (excess-- <= 0) break;
      windows.delete(k);
    }
  }

  return {
    /** Seconds until `key` may try again, or 0 when it is under the limit. */
    blockedFor(key: string) {
      const w = live(key);
      return w && w.count >= max ? Math.max(1, Math.ceil((w.resetAt - now()) / 1000)) : 0;
    },
    record(key: string) {
      const w = live(key);
      if (w) {
        w.count++;
        return;
      }
      makeRoom();
      windows.set(key, { count: 1, resetAt: now() + windowMs });
    },
    reset: (key: string) => void windows.delete(key),
    size: () => windows.size,
  };
}

export function createThrottle(opts: { windowMs: number; ipMax: number; accountMax: number; maxKeys?: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
  const ips = createCounter(opts.windowMs, opts.ipMax, maxKeys, now);
  const accounts = createCounter(opts.windowMs, opts.accountMax, maxKeys, now);
  const accountKey = (email: string) => email.slice(0, MAX_EMAIL_LENGTH).toLowerCase();

  return {
    ip: {
      blockedFor: (ip: string) => ips.blockedFor(ip),
      record: (ip: string) => ips.record(ip),
    },
    account: {
      blockedFor: (email: string) => accounts.blockedFor(accountKey(email)),
      record: (email: string) => accounts.record(accountKey(email)),
      reset: (email: string) => accounts.reset(accountKey(email)),
    },
    /** Keys currently tracked, per kind (for tests and diagnostics). */
    size: () => ({ ip: ips.size(), account: accounts.size() }),
  };
}
