/**
 * Fixed-window attempt counters for the auth endpoints (SPEC A11), kept in memory: one
 * process serves auth on the SQLite default. A window always ends, so the legitimate user
 * is never locked out for longer than AUTH_THROTTLE_WINDOW_SECONDS.
 */
type Window = { count: number; resetAt: number };

export type Throttle = ReturnType<typeof createThrottle>;

export function createThrottle(opts: { windowMs: number; ipMax: number; accountMax: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, Window>();

  function live(key: string) {
    const w = windows.get(key);
    if (w && w.resetAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return w;
  }

  function sweep() {
    if (windows.size < 10_000) return;
    const t = now();
    for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
  }

  /** Seconds until `key` may try again, or 0 when it is under `max`. */
  function blockedFor(key: string, max: number) {
    const w = live(key);
    return w && w.count >= max ? Math.max(1, Math.ceil((w.resetAt - now()) / 1000)) : 0;
  }

  function record(key: string) {
    sweep();
    const w = live(key);
    if (w) w.count++;
    else windows.set(key, { count: 1, resetAt: now() + opts.windowMs });
  }

  return {
    ip: {
      blockedFor: (ip: string) => blockedFor(`ip:${ip}`, opts.ipMax),
      record: (ip: string) => record(`ip:${ip}`),
    },
    account: {
      blockedFor: (email: string) => blockedFor(`account:${email.toLowerCase()}`, opts.accountMax),
      record: (email: string) => record(`account:${email.toLowerCase()}`),
      reset: (email: string) => windows.delete(`account:${email.toLowerCase()}`),
    },
  };
}
