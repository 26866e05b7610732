import type { InternalMessage } from "@/server/realtime/realtime.bus";

/**
 * Short-lived memory of authenticated keys, so the hot path does not hit the database for
 * every event. Revoking a key or deleting an account evicts at once here and, through the
 * broadcast (LISTEN/NOTIFY on PostgreSQL), on every other instance; the TTL only bounds how
 * long a lost message could leave a stale entry.
 */
export type CachedKey = {
  keyId: string;
  workspaceId: string;
  plan: "FREE" | "PRO" | "ENTERPRISE";
  /** The owner of the key's workspace is suspended (the key answers 403); evicted when that changes. */
  suspended?: boolean;
};

type Entry = { value: CachedKey; expiresAt: number };

const MAX_ENTRIES = 50_000;

export function createApiKeyCache(ttlMs: number, opts: { now?: () => number; broadcast?: (message: InternalMessage) => Promise<void> } = {}) {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry>();
  // Bumped by every eviction: a lookup that read the database before an eviction must not
  // put what it read back into the cache afterwards.
  let generation = 0;

  const dropWhere = (match: (e: Entry) => boolean) => {
    generation++;
    for (const [hash, entry] of entries) if (match(entry)) entries.delete(hash);
  };

  /** This instance only; the bus calls it for messages from other instances too. */
  function apply(message: InternalMessage) {
    if (message.type === "api-key.evict") dropWhere((e) => e.value.keyId === message.keyId);
    else if (message.type === "api-key.evict-workspaces") dropWhere((e) => message.workspaceIds.includes(e.value.workspaceId));
    else if (message.type === "resync") dropWhere(() => true);
  }

  const everywhere = async (message: InternalMessage) => {
    if (opts.broadcast) await opts.broadcast(message);
    else apply(message);
  };

  function get(hash: string): CachedKey | undefined {
    const hit = entries.get(hash);
    if (!hit) return undefined;
    if (hit.expiresAt <= now()) {
      entries.delete(hash);
      return undefined;
    }
    return hit.value;
  }

  return {
    get,
    /**
     * The cached owner of `hash`, or `load()`'s answer, which is cached unless an eviction
     * happened while it ran (its read may predate a revocation).
     */
    async getOrLoad(hash: string, load: () => Promise<{ value: CachedKey } | undefined>) {
      const cached = get(hash);
      if (cached) return cached;
      const before = generation;
      const loaded = await load();
      if (!loaded) return undefined;
      if (before === generation) {
        if (entries.size >= MAX_ENTRIES) entries.clear();
        entries.set(hash, { ...loaded, expiresAt: now() + ttlMs });
      }
      return loaded.value;
    },
    apply,
    /** A revoked key: gone from this instance's cache before this resolves, and from the others' at once after. */
    evictKey: (keyId: string) => everywhere({ type: "api-key.evict", keyId }),
    /** Every key of deleted workspaces, or of workspaces whose plan or owner's suspension changed. */
    evictWorkspaces: (workspaceIds: string[]) => (workspaceIds.length ? everywhere({ type: "api-key.evict-workspaces", workspaceIds }) : Promise.resolve()),
  };
}

export type ApiKeyCache = ReturnType<typeof createApiKeyCache>;
