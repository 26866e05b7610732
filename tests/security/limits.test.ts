/**
 * Security regression, finding 7 (low): API keys of a deleted account or a revoked key stop at
 * once on every instance; a category emoji is one emoji, bounded; per-user caps on live-update
 * streams and on API keys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "@/server/http/app";
import { MAX_STREAMS_PER_USER } from "@/server/http/routes/stream.route";
import { MAX_ACTIVE_API_KEYS } from "@/server/api-key/api-key.service";
import { closeServices, createServices, type Services } from "@/server/services";
import { captureMailer, startTestApp, TEST_ORIGIN, type TestApp } from "../support/test-app";
import { dialectUnderTest } from "../support/test-database";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    env: { API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000", PLAN_CATEGORY_LIMIT: "100" },
  });
  await t.services.realtime.ready();
});
afterAll(() => t.close());

const keyIds = async (cookie: string) => (await t.trpc("apiKey.list", cookie, undefined, "query")).data as { id: string; revokedAt: string | null }[];
const activeKeysOf = async (workspaceId: string) =>
  (await t.db.selectFrom("api_key").select("api_key.id").where("api_key.workspace_id", "=", workspaceId).where("api_key.revoked_at", "is", null).execute()).length;
const activeKeyCount = async (email: string) => activeKeysOf((await t.ownerAccess(email)).id);

describe("API keys stop working at once", () => {
  it("when their account is deleted, even if the key was just used (cached)", async () => {
    const u = await t.signUpWithKey("deleted-account@example.com");
    const workspace = await t.ownerAccess("deleted-account@example.com");
    expect((await t.api("/api/v1/quota", u.key)).status).toBe(200);
    // The sign-up session is fresh, as Better Auth's delete-user requires.
    const deleted = await t.post("/api/auth/delete-user", {}, { cookie: u.cookie });
    expect(deleted.status).toBe(200);
    const after = await t.api("/api/v1/quota", u.key);
    expect(after.status).toBe(401);
    expect((await after.json()).error.code).toBe("UNAUTHENTICATED");
    expect(await activeKeysOf(workspace.id)).toBe(0);
  });

  it("when rotated: the old key is refused on the next call, the new one works", async () => {
    const u = await t.signUpWithKey("rotate-now@example.com");
    expect((await t.api("/api/v1/quota", u.key)).status).toBe(200);
    const [key] = await keyIds(u.cookie);
    const rotated = await t.trpc("apiKey.rotate", u.cookie, { id: key!.id });
    expect((await t.api("/api/v1/quota", u.key)).status).toBe(401);
    expect((await t.api("/api/v1/quota", rotated.data.key)).status).toBe(200);
  });

  describe.runIf(dialectUnderTest() === "postgres")("on another instance of the same database (PostgreSQL)", () => {
    let b: Services;
    let appB: ReturnType<typeof createApp>;
    let ip = 0;
    const callB = (key: string) => appB.request(`${TEST_ORIGIN}/api/v1/quota`, { headers: { authorization: `Bearer ${key}`, "x-forwarded-for": `10.200.0.${++ip % 250}` } });

    beforeAll(async () => {
      b = createServices(t.env, { mailer: captureMailer() });
      appB = createApp(b);
      await b.realtime.ready();
    });
    afterAll(() => closeServices(b));

    /** Time until instance B refuses the key, polling for up to 3 s. */
    async function msUntilRefusedOnB(key: string) {
      const start = Date.now();
      while (Date.now() - start < 3000) {
        if ((await callB(key)).status === 401) return Date.now() - start;
        await new Promise((r) => setTimeout(r, 20));
      }
      return Infinity;
    }

    it("a key cached on B and revoked on A is refused by B within a second", async () => {
      const u = await t.signUpWithKey("two-instances@example.com");
      expect((await callB(u.key)).status).toBe(200);
      const [key] = await keyIds(u.cookie);
      expect((await t.trpc("apiKey.revoke", u.cookie, { id: key!.id })).status).toBe(200);
      expect(await msUntilRefusedOnB(u.key)).toBeLessThan(1000);
    });

    it("a key cached on B whose account is deleted on A is refused by B within a second", async () => {
      const u = await t.signUpWithKey("two-instances-deleted@example.com");
      expect((await callB(u.key)).status).toBe(200);
      expect((await t.post("/api/auth/delete-user", {}, { cookie: u.cookie })).status).toBe(200);
      expect(await msUntilRefusedOnB(u.key)).toBeLessThan(1000);
    });
  });
});

describe("category emoji", () => {
  const flood = `🐛${"\u0301".repeat(20_000)}`;
  const valid = ["🐛", "⚠️", "1️⃣", "#️⃣", "👩‍💻", "👨‍👩‍👧‍👦", "🇫🇷", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "👋🏽", "👩🏻‍❤️‍💋‍👨🏼", "🏳️‍⚧️"];
  const invalid = [flood, "🐛\u0301", "🐛🐛", "a", "1", "🇫", "x🐛", "🐛\u200d", ""];

  it("the public API refuses anything but one emoji with a 422 naming emoji, and stores nothing", async () => {
    const u = await t.signUpWithKey("emoji-api@example.com");
    for (const [i, emoji] of invalid.entries()) {
      const res = await t.api("/api/v1/categories", u.key, { json: { name: `bad-${i}`, emoji } });
      expect(res.status, JSON.stringify(emoji.slice(0, 10))).toBe(422);
      const body = await res.json();
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(JSON.stringify(body.error.details)).toContain("emoji");
    }
    for (const [i, emoji] of valid.entries()) {
      const res = await t.api("/api/v1/categories", u.key, { json: { name: `good-${i}`, emoji } });
      expect(res.status, emoji).toBe(201);
      expect((await res.json()).emoji).toBe(emoji);
    }
    const stored = await t.db
      .selectFrom("category")
      .select("category.name")
      .where("category.workspace_id", "=", (await t.ownerAccess("emoji-api@example.com")).id)
      .execute();
    expect(stored.map((c) => c.name).sort()).toEqual(valid.map((_, i) => `good-${i}`).sort());
  });

  it("the dashboard (tRPC create and update) refuses it too, naming emoji", async () => {
    const u = await t.signUpWithKey("emoji-trpc@example.com");
    const created = await t.trpc("category.create", u.cookie, { name: "flood", color: "#FF6B6B", emoji: flood });
    expect(created.status).toBe(422);
    expect(created.error.data).toMatchObject({ appCode: "VALIDATION_FAILED", details: [expect.objectContaining({ field: "emoji" })] });
    expect(await t.db.selectFrom("category").select("id").where("name", "=", "flood").executeTakeFirst()).toBeUndefined();

    const ok = await t.trpc("category.create", u.cookie, { name: "keycap", color: "#FF6B6B", emoji: "1️⃣" });
    expect(ok.data).toMatchObject({ emoji: "1️⃣" });
    const updated = await t.trpc("category.update", u.cookie, { id: ok.data.id, emoji: flood });
    expect(updated.status).toBe(422);
    expect(updated.error.message).toMatch(/^emoji: /);
    const row = await t.db.selectFrom("category").select("emoji").where("id", "=", ok.data.id).executeTakeFirstOrThrow();
    expect(row.emoji).toBe("1️⃣");
    for (const emoji of valid) expect((await t.trpc("category.update", u.cookie, { id: ok.data.id, emoji })).data, emoji).toMatchObject({ emoji });
  });
});

describe("live-update streams", () => {
  const open = (cookie: string, signal?: AbortSignal) => t.request("/api/stream", { cookie, signal });

  it(`at most ${MAX_STREAMS_PER_USER} per user; the next gets 429, a closed stream frees its slot`, async () => {
    const u = await t.signUpWithKey("streams@example.com");
    const other = await t.signUpWithKey("streams-other@example.com");
    const controllers: AbortController[] = [];
    try {
      for (let i = 0; i < MAX_STREAMS_PER_USER; i++) {
        const controller = new AbortController();
        controllers.push(controller);
        const res = await open(u.cookie, controller.signal);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
      }
      const refused = await open(u.cookie);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("content-type")).toMatch(/application\/json/);
      const body = await refused.json();
      expect(body.error.code).toBe("RATE_LIMITED");
      expect(body.error.message).toMatch(/live-update streams/);

      // Another user is not affected.
      const otherController = new AbortController();
      controllers.push(otherController);
      expect((await open(other.cookie, otherController.signal)).status).toBe(200);

      // Closing one stream frees exactly one slot.
      controllers[0]!.abort();
      const reopened = new AbortController();
      controllers.push(reopened);
      expect((await open(u.cookie, reopened.signal)).status).toBe(200);
      expect((await open(u.cookie)).status).toBe(429);
    } finally {
      for (const c of controllers) c.abort();
    }
    // All closed: the whole allowance is back.
    const again = new AbortController();
    expect((await open(u.cookie, again.signal)).status).toBe(200);
    again.abort();
  });

  it("a stream the client cancels (reader.cancel) also frees its slot", async () => {
    const u = await t.signUpWithKey("streams-cancel@example.com");
    const responses: Response[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_USER; i++) responses.push(await open(u.cookie));
    expect((await open(u.cookie)).status).toBe(429);
    await responses.shift()!.body!.cancel();
    const next = await open(u.cookie);
    expect(next.status).toBe(200);
    responses.push(next);
    for (const r of responses) await r.body!.cancel();
  });
});

describe("API keys per account", () => {
  it(`at most ${MAX_ACTIVE_API_KEYS} active: the next is a 409 that stores nothing; rotate and revoke-then-create still work`, async () => {
    const email = "many-keys@example.com";
    const u = await t.signUpWithKey(email);
    // The sign-up key counts.
    for (let i = 1; i < MAX_ACTIVE_API_KEYS; i++) expect((await t.trpc("apiKey.create", u.cookie, { name: `key ${i}` })).status).toBe(200);
    expect(await activeKeyCount(email)).toBe(MAX_ACTIVE_API_KEYS);

    const refused = await t.trpc("apiKey.create", u.cookie, { name: "one too many" });
    expect(refused.error.data.code).toBe("CONFLICT");
    expect(refused.status).toBe(409);
    expect(refused.error.message).toMatch(new RegExp(`${MAX_ACTIVE_API_KEYS} active API keys.*Revoke`));
    expect(await t.db.selectFrom("api_key").select("id").where("name", "=", "one too many").executeTakeFirst()).toBeUndefined();

    const keys = await keyIds(u.cookie);
    const rotated = await t.trpc("apiKey.rotate", u.cookie, { id: keys[1]!.id });
    expect(rotated.status).toBe(200);
    expect((await t.api("/api/v1/quota", rotated.data.key)).status).toBe(200);
    expect(await activeKeyCount(email)).toBe(MAX_ACTIVE_API_KEYS);

    expect((await t.trpc("apiKey.revoke", u.cookie, { id: keys[2]!.id })).status).toBe(200);
    expect((await t.trpc("apiKey.create", u.cookie, { name: "after revoke" })).status).toBe(200);
    expect(await activeKeyCount(email)).toBe(MAX_ACTIVE_API_KEYS);
  });

  it("concurrent creates never pass the cap", async () => {
    const email = "racing-keys@example.com";
    const u = await t.signUpWithKey(email);
    for (let i = 3; i < MAX_ACTIVE_API_KEYS; i++) await t.trpc("apiKey.create", u.cookie, { name: `key ${i}` });
    expect(await activeKeyCount(email)).toBe(MAX_ACTIVE_API_KEYS - 2);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => t.trpc("apiKey.create", u.cookie, { name: `race ${i}` })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(await activeKeyCount(email)).toBe(MAX_ACTIVE_API_KEYS);
  });

  it("two concurrent rotations of one key make one new key", async () => {
    const email = "racing-rotate@example.com";
    const u = await t.signUpWithKey(email);
    const [key] = await keyIds(u.cookie);
    const results = await Promise.all([0, 1, 2].map(() => t.trpc("apiKey.rotate", u.cookie, { id: key!.id })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(await activeKeyCount(email)).toBe(1);
  });
});
