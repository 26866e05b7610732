import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { hashApiKey } from "./api-key.crypto";
import { createApiKeyCache, type CachedKey } from "./api-key.cache";
import { authenticateApiKey, createApiKey, MAX_ACTIVE_API_KEYS, revealNewApiKey, revokeApiKey } from "./api-key.service";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("API keys", () => {
  it("are pp_ + 43 base62 characters (32 CSPRNG bytes), all different", async () => {
    await t.signUp("keys@example.com");
    const ws = await t.ownerAccess("keys@example.com");
    // The sign-up key plus these fill the workspace's allowance.
    const keys = await Promise.all(Array.from({ length: MAX_ACTIVE_API_KEYS - 1 }, (_, i) => createApiKey(t.db, ws, `k${i}`, t.services.clock())));
    for (const k of keys) expect(k.key).toMatch(/^pp_[0-9A-Za-z]{43}$/);
    expect(new Set(keys.map((k) => k.key)).size).toBe(MAX_ACTIVE_API_KEYS - 1);
  });

  it("are stored only as a SHA-256 hash plus a short prefix", async () => {
    const { cookie } = await t.signUp("stored@example.com");
    const revealed = (await (await t.post("/trpc/apiKey.revealNew", {}, { cookie })).json()).result.data as { key: string; id: string };
    const row = await t.db.selectFrom("api_key").selectAll().where("id", "=", revealed.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashApiKey(revealed.key));
    expect(revealed.key.startsWith(row.prefix)).toBe(true);
    expect(row.prefix.length).toBeLessThanOrEqual(10);
    const everyValue = JSON.stringify(await t.db.selectFrom("api_key").selectAll().execute());
    expect(everyValue).not.toContain(revealed.key);
    expect(everyValue).not.toContain(revealed.key.slice(10));
  });

  it("the sign-up key is shown exactly once, even to concurrent requests", async () => {
    const { cookie } = await t.signUp("once@example.com");
    const results = await Promise.all(Array.from({ length: 5 }, () => t.post("/trpc/apiKey.revealNew", {}, { cookie }).then((r) => r.json())));
    const shown = results.map((r) => r.result.data).filter(Boolean);
    expect(shown).toHaveLength(1);
    const ws = await t.ownerAccess("once@example.com");
    expect(await revealNewApiKey(t.db, ws, t.services.clock())).toBeNull();
    expect(await authenticateApiKey(t.db, t.services.apiKeyCache, shown[0].key, t.services.clock())).toEqual({ keyId: shown[0].id, workspaceId: ws.id, plan: "PRO" });
  });

  it("a revoked or unknown key authenticates nothing", async () => {
    await t.signUp("revoked@example.com");
    const ws = await t.ownerAccess("revoked@example.com");
    const created = await createApiKey(t.db, ws, "to revoke", t.services.clock());
    expect(await authenticateApiKey(t.db, t.services.apiKeyCache, created.key, t.services.clock())).toBeDefined();
    await revokeApiKey(t.db, t.services.apiKeyCache, ws, created.id, t.services.clock());
    expect(await authenticateApiKey(t.db, t.services.apiKeyCache, created.key, t.services.clock())).toBeUndefined();
    expect(await authenticateApiKey(t.db, t.services.apiKeyCache, `${created.key.slice(0, -1)}x`, t.services.clock())).toBeUndefined();
    expect(await authenticateApiKey(t.db, t.services.apiKeyCache, "not-a-key", t.services.clock())).toBeUndefined();
  });
});

describe("the API key cache", () => {
  const owner: CachedKey = { keyId: "k1", workspaceId: "w1", plan: "PRO" };

  it("does not keep what a lookup read before an eviction (the read may predate the revocation)", async () => {
    const cache = createApiKeyCache(30_000);
    let finishLoad!: () => void;
    const loading = cache.getOrLoad("h1", () => new Promise((resolve) => (finishLoad = () => resolve({ value: owner }))));
    await cache.evictKey("k1");
    finishLoad();
    expect(await loading).toEqual(owner);
    expect(cache.get("h1")).toBeUndefined();
    await cache.getOrLoad("h1", async () => ({ value: owner }));
    expect(cache.get("h1")).toEqual(owner);
  });

  it("evicts by key, by workspace, and everything on a resync; entries expire after the TTL", async () => {
    let now = 0;
    const cache = createApiKeyCache(30_000, { now: () => now });
    const load = (keyId: string, workspaceId: string) => cache.getOrLoad(`h-${keyId}`, async () => ({ value: { ...owner, keyId, workspaceId } }));
    await Promise.all([load("k1", "a1"), load("k2", "a1"), load("k3", "a2")]);
    await cache.evictKey("k1");
    expect([cache.get("h-k1"), cache.get("h-k2")?.keyId, cache.get("h-k3")?.keyId]).toEqual([undefined, "k2", "k3"]);
    await cache.evictWorkspaces(["a1"]);
    expect([cache.get("h-k2"), cache.get("h-k3")?.keyId]).toEqual([undefined, "k3"]);
    cache.apply({ type: "resync" });
    expect(cache.get("h-k3")).toBeUndefined();
    await load("k4", "a3");
    now = 30_000;
    expect(cache.get("h-k4")).toBeUndefined();
  });
});
