/**
 * Short-lived memory of authenticated keys, so the hot path does not hit the database for
 * every event. Revoking on this instance evicts at once; other instances notice within the TTL.
 */
export type CachedKey = { keyId: string; userId: string; plan: "FREE" | "PRO" | "ENTERPRISE" };

export function createApiKeyCache(ttlMs: number, now: () => number = Date.now) {
  const entries = new Map<string, { value: CachedKey; expiresAt: number }>();
  return {
    get(hash: string) {
      const hit = entries.get(hash);
      if (!hit) return undefined;
      if (hit.expiresAt <= now()) {
        entries.delete(hash);
        return undefined;
      }
      return hit.value;
    },
    set(hash: string, value: CachedKey) {
      if (entries.size > 50_000) entries.clear();
      entries.set(hash, { value, expiresAt: now() + ttlMs });
    },
    evictKey(keyId: string) {
      for (const [hash, entry] of entries) if (entry.value.keyId === keyId) entries.delete(hash);
    },
  };
}

export type ApiKeyCache = ReturnType<typeof createApiKeyCache>;
