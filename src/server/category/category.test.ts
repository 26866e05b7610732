import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMOJI_MAX_LENGTH, isSingleEmoji } from "@/shared/category";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { DEFAULT_PLAN: "FREE", API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" } });
});
afterAll(() => t.close());

const names = async (cookie: string) => ((await t.trpc("category.list", cookie, undefined, "query")).data as { name: string }[]).map((c) => c.name).sort();

describe("categories", () => {
  it("create, restyle and list through tRPC; names are stored lowercase and unique", async () => {
    const u = await t.signUpWithKey("cat-crud@example.com");
    const created = await t.trpc("category.create", u.cookie, { name: "  Signup ", color: "#54a0ff", emoji: "👤" });
    expect(created.data).toMatchObject({ name: "signup", color: "#54A0FF", emoji: "👤" });
    expect((await t.trpc("category.create", u.cookie, { name: "signup", color: "#54A0FF" })).error.data.code).toBe("CONFLICT");
    expect((await t.trpc("category.create", u.cookie, { name: "bad name", color: "#54A0FF" })).error.data.code).toBe("UNPROCESSABLE_CONTENT");
    expect((await t.trpc("category.create", u.cookie, { name: "x", color: "blue" })).status).toBe(422);
    expect((await t.trpc("category.create", u.cookie, { name: "y", color: "#000000", emoji: "not an emoji" })).status).toBe(422);
    const updated = await t.trpc("category.update", u.cookie, { id: created.data.id, color: "#1DD1A1", emoji: "🎉" });
    expect(updated.data).toMatchObject({ color: "#1DD1A1", emoji: "🎉" });
    expect(await names(u.cookie)).toEqual(["signup"]);
  });

  it("the plan's category limit holds on the dashboard, the API and quick-start", async () => {
    const u = await t.signUpWithKey("cat-limit@example.com");
    expect((await t.api("/api/v1/categories", u.key, { json: { name: "sale" } })).status).toBe(201);
    const quick = await t.trpc("category.quickStart", u.cookie);
    expect(quick.data).toEqual({ created: ["bug", "question"], skipped: [{ name: "sale", reason: "exists" }] });
    // FREE allows 3: every path now refuses a fourth.
    const viaTrpc = await t.trpc("category.create", u.cookie, { name: "fourth", color: "#FF6B6B" });
    expect(viaTrpc.error.data.code).toBe("FORBIDDEN");
    expect(viaTrpc.error.message).toMatch(/allows 3 categories/);
    const viaApi = await t.api("/api/v1/categories", u.key, { json: { name: "fourth" } });
    expect(viaApi.status).toBe(403);
    expect((await viaApi.json()).error.code).toBe("FORBIDDEN");
    expect(await names(u.cookie)).toEqual(["bug", "question", "sale"]);
  });

  it("quick-start stops at the limit and reports what it skipped", async () => {
    const u = await t.signUpWithKey("cat-quick@example.com");
    await t.trpc("category.create", u.cookie, { name: "one", color: "#FF6B6B" });
    await t.trpc("category.create", u.cookie, { name: "two", color: "#FF6B6B" });
    const quick = await t.trpc("category.quickStart", u.cookie);
    expect(quick.data).toEqual({
      created: ["bug"],
      skipped: [
        { name: "sale", reason: "limit" },
        { name: "question", reason: "limit" },
      ],
    });
  });

  it("concurrent creates never exceed the limit", async () => {
    const u = await t.signUpWithKey("cat-race@example.com");
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => t.api("/api/v1/categories", u.key, { json: { name: `race-${i}` } })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(await names(u.cookie)).toHaveLength(3);
  });

  it("deleting a category deletes its events", async () => {
    const u = await t.signUpWithKey("cat-delete@example.com");
    const { data: cat } = await t.trpc("category.create", u.cookie, { name: "doomed", color: "#FF6B6B" });
    for (let i = 0; i < 3; i++) expect((await t.api("/api/v1/events", u.key, { json: { category: "doomed" } })).status).toBe(202);
    expect(await t.db.selectFrom("event").select("id").where("category_id", "=", cat.id).execute()).toHaveLength(3);
    expect((await t.trpc("category.delete", u.cookie, { id: cat.id })).status).toBe(200);
    expect(await t.db.selectFrom("event").select("id").where("category_id", "=", cat.id).execute()).toHaveLength(0);
    expect((await t.api("/api/v1/events", u.key, { json: { category: "doomed" } })).status).toBe(404);
  });
});

describe("tenant isolation", () => {
  let a: { cookie: string; key: string };
  let b: { cookie: string; key: string };
  let aCategoryId: string;
  let aKeyId: string;
  beforeAll(async () => {
    a = await t.signUpWithKey("tenant-a@example.com");
    b = await t.signUpWithKey("tenant-b@example.com");
    aCategoryId = (await t.trpc("category.create", a.cookie, { name: "secret", color: "#FF6B6B" })).data.id;
    await t.api("/api/v1/events", a.key, { json: { category: "secret", fields: { revenue: 1_000_000 } } });
    aKeyId = (await t.trpc("apiKey.list", a.cookie, undefined, "query")).data[0].id;
  });

  it("B's key cannot write to or read A's category by name", async () => {
    const write = await t.api("/api/v1/events", b.key, { json: { category: "secret" } });
    expect(write.status).toBe(404);
    expect((await t.api("/api/v1/events?category=secret", b.key)).status).toBe(404);
    const all = await (await t.api("/api/v1/events", b.key)).json();
    expect(all.data).toEqual([]);
    const cats = await (await t.api("/api/v1/categories", b.key)).json();
    expect(cats.data).toEqual([]);
    const events = await t.db.selectFrom("event").select("id").where("category_id", "=", aCategoryId).execute();
    expect(events).toHaveLength(1);
  });

  it("B's session cannot read, change or delete A's category or events by id", async () => {
    expect((await t.trpc("event.list", b.cookie, { categoryId: aCategoryId }, "query")).error.data.code).toBe("NOT_FOUND");
    expect((await t.trpc("category.update", b.cookie, { id: aCategoryId, color: "#000000" })).error.data.code).toBe("NOT_FOUND");
    expect((await t.trpc("category.delete", b.cookie, { id: aCategoryId })).error.data.code).toBe("NOT_FOUND");
    expect(await names(b.cookie)).toEqual([]);
    const own = (await t.trpc("event.list", b.cookie, {}, "query")).data;
    expect(own.data).toEqual([]);
    const untouched = await t.db.selectFrom("category").selectAll().where("id", "=", aCategoryId).executeTakeFirstOrThrow();
    expect(untouched.color).toBe("#FF6B6B");
  });

  it("B cannot revoke or rotate A's API key", async () => {
    expect((await t.trpc("apiKey.revoke", b.cookie, { id: aKeyId })).error.data.code).toBe("NOT_FOUND");
    expect((await t.trpc("apiKey.rotate", b.cookie, { id: aKeyId })).error.data.code).toBe("NOT_FOUND");
    expect((await t.api("/api/v1/events", a.key, { json: { category: "secret" } })).status).toBe(202);
    expect(JSON.stringify((await t.trpc("apiKey.list", b.cookie, undefined, "query")).data)).not.toContain(aKeyId);
  });

  it("A's quota is not B's", async () => {
    const qa = await (await t.api("/api/v1/quota", a.key)).json();
    const qb = await (await t.api("/api/v1/quota", b.key)).json();
    expect(qa.used).toBeGreaterThan(0);
    expect(qb.used).toBe(0);
  });
});

describe("a category emoji", () => {
  it("is exactly one emoji: keycaps, flags, skin tones and ZWJ sequences included", () => {
    for (const emoji of ["🐛", "⚠️", "1️⃣", "#️⃣", "*️⃣", "🇫🇷", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "👋🏽", "👩‍💻", "👨‍👩‍👧‍👦", "👩🏻‍❤️‍💋‍👨🏼", "🫱🏻‍🫲🏼", "❤️‍🔥"]) {
      expect(isSingleEmoji(emoji), emoji).toBe(true);
      expect(emoji.length).toBeLessThanOrEqual(EMOJI_MAX_LENGTH);
    }
  });

  it("refuses text, two emoji, stray marks or joiners, and anything past the length cap", () => {
    for (const value of ["", "a", "1", "#", "🇫", "🐛🐛", "x🐛", "🐛\u0301", "🐛\u200d", "🐛 ", `🐛${"\u0301".repeat(20_000)}`, "👍".repeat(20)]) {
      expect(isSingleEmoji(value), JSON.stringify(value.slice(0, 8))).toBe(false);
    }
  });
});
