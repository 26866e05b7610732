import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "@/server/event/event.service";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { getCategoryStats } from "./stats.service";

let t: TestApp;
let workspaceId: string;
let cookie: string;
const at = (iso: string) => new Date(iso);
const NOW = at("2026-11-28T12:00:00Z");

/** Events with known times and values; the expected figures below are computed by hand. */
const EVENTS: [string, Record<string, string | number | boolean>][] = [
  ["2026-10-31T23:59:59.999Z", { amount: 1000, plan: "OLD" }], // previous month: outside every range below
  ["2026-11-01T00:00:00.000Z", { amount: 10, plan: "PRO" }], // month start, inclusive
  ["2026-11-01T00:30:00.000Z", { amount: 2.5, trial: true }],
  ["2026-11-15T12:00:00.000Z", { amount: -4, coupon: "X" }],
  ["2026-11-27T23:59:59.999Z", { seats: 3 }], // the last instant before midnight
  ["2026-11-28T00:00:00.000Z", { amount: 7, seats: 2 }], // midnight: "today"
  ["2026-11-28T09:15:00.000Z", { amount: 1, plan: "FREE", note: "12" }], // a numeric-looking string is not a number
];

beforeAll(async () => {
  // Noon on Nov 28: every call below, direct or over tRPC, sees the same "now" whatever today's date is.
  t = await startTestApp({ env: { API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" }, clock: { now: NOW.getTime() } });
  const u = await t.signUpWithKey("stats@example.com");
  cookie = u.cookie;
  workspaceId = (await t.ownerAccess("stats@example.com")).id;
  await t.trpc("category.create", cookie, { name: "sale", color: "#FFEB3B" });
  await t.trpc("category.create", cookie, { name: "other", color: "#FF6B6B" });
  for (const [time, fields] of EVENTS) await recordEvent(t.db, { workspaceId, eventLimit: 1000 }, { category: "sale", fields }, at(time));
  await recordEvent(t.db, { workspaceId, eventLimit: 1000 }, { category: "other", fields: { amount: 99999 } }, at("2026-11-28T01:00:00.000Z"));
});
afterAll(() => t.close());

describe("category stats (in SQL)", () => {
  it("a month: total, every field seen, sums over numbers only, day buckets from the month start", async () => {
    const s = await getCategoryStats(t.db, workspaceId, "sale", at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"), NOW);
    expect(s.total).toBe(6);
    expect(s.fields).toEqual(["amount", "coupon", "note", "plan", "seats", "trial"]);
    expect(s.sums).toEqual([
      { field: "amount", sum: 16.5, count: 5 },
      { field: "seats", sum: 5, count: 2 },
    ]);
    expect(s.range.unit).toBe("day");
    expect(s.buckets).toHaveLength(30);
    const byDay = Object.fromEntries(s.buckets.filter((b) => b.count).map((b) => [b.start.slice(0, 10), b.count]));
    expect(byDay).toEqual({ "2026-11-01": 2, "2026-11-15": 1, "2026-11-27": 1, "2026-11-28": 2 });
  });

  it("today starts exactly at midnight UTC; hour buckets", async () => {
    const s = await getCategoryStats(t.db, workspaceId, "sale", at("2026-11-28T00:00:00Z"), at("2026-11-29T00:00:00Z"), NOW);
    expect(s.total).toBe(2);
    expect(s.sums).toEqual([
      { field: "amount", sum: 8, count: 2 },
      { field: "seats", sum: 2, count: 1 },
    ]);
    expect(s.range.unit).toBe("hour");
    expect(s.buckets).toHaveLength(24);
    expect(s.buckets.filter((b) => b.count)).toEqual([
      { start: "2026-11-28T00:00:00.000Z", count: 1 },
      { start: "2026-11-28T09:00:00.000Z", count: 1 },
    ]);
  });

  it("the day before ends just before midnight", async () => {
    const s = await getCategoryStats(t.db, workspaceId, "sale", at("2026-11-27T00:00:00Z"), at("2026-11-28T00:00:00Z"), NOW);
    expect(s.total).toBe(1);
    expect(s.sums).toEqual([{ field: "seats", sum: 3, count: 1 }]);
  });

  it("an empty range has zero buckets filled in and no sums", async () => {
    const s = await getCategoryStats(t.db, workspaceId, "sale", at("2026-11-20T00:00:00Z"), at("2026-11-22T00:00:00Z"), NOW);
    expect(s.total).toBe(0);
    expect(s.sums).toEqual([]);
    expect(s.buckets).toHaveLength(48);
    expect(s.buckets.every((b) => b.count === 0)).toBe(true);
  });

  it("over tRPC, only for the owner's category", async () => {
    const own = await t.trpc("stats.category", cookie, { name: "sale", from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z" }, "query");
    expect(own.data.total).toBe(6);
    const other = await t.signUpWithKey("stats-other@example.com");
    const res = await t.trpc("stats.category", other.cookie, { name: "sale", from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z" }, "query");
    expect(res.error.data.code).toBe("NOT_FOUND");
    const backwards = await t.trpc("stats.category", cookie, { name: "sale", from: "2026-12-01T00:00:00Z", to: "2026-11-01T00:00:00Z" }, "query");
    expect(backwards.error.data.code).toBe("UNPROCESSABLE_CONTENT");
  });
});

describe("dashboard cards (one grouped query each)", () => {
  it("count this month's events, the last ping and the distinct field names of this month", async () => {
    const { listCategories } = await import("@/server/category/category.service");
    const cards = await listCategories(t.db, workspaceId, at("2026-11-28T12:00:00Z"));
    const sale = cards.find((c) => c.name === "sale")!;
    expect(sale.eventsThisMonth).toBe(6);
    expect(sale.lastEventAt).toBe("2026-11-28T09:15:00.000Z");
    // amount, plan, trial, coupon, seats, note (the October event's fields do not count)
    expect(sale.fieldsThisMonth).toBe(6);
    expect(cards.find((c) => c.name === "other")).toMatchObject({ eventsThisMonth: 1, fieldsThisMonth: 1 });
    const december = await listCategories(t.db, workspaceId, at("2026-12-02T00:00:00Z"));
    expect(december.find((c) => c.name === "sale")).toMatchObject({ eventsThisMonth: 0, fieldsThisMonth: 0, lastEventAt: "2026-11-28T09:15:00.000Z" });
  });
});

describe("daily rollups", () => {
  it("closed days are computed once, stored, and read back; today stays live", async () => {
    const now = NOW;
    const from = at("2026-11-01T00:00:00Z");
    const to = at("2026-12-01T00:00:00Z");
    const live = await getCategoryStats(t.db, workspaceId, "sale", from, to, now);
    const saleId = (await t.db.selectFrom("category").select("id").where("name", "=", "sale").where("workspace_id", "=", workspaceId).executeTakeFirstOrThrow()).id;
    const stored = await t.db.selectFrom("category_day").selectAll().where("category_id", "=", saleId).orderBy("day").execute();
    // Nov 1 … Nov 27 are closed at noon on Nov 28; today is not rolled up.
    expect(stored.map((r) => r.day)).toEqual(Array.from({ length: 27 }, (_, i) => `2026-11-${String(i + 1).padStart(2, "0")}`));
    expect(stored.find((r) => r.day === "2026-11-01")).toMatchObject({ events: 2 });
    expect(JSON.parse(stored.find((r) => r.day === "2026-11-01")!.fields)).toEqual({
      amount: { seen: 2, numeric: 2, sum: 12.5 },
      plan: { seen: 1, numeric: 0, sum: 0 },
      trial: { seen: 1, numeric: 0, sum: 0 },
    });
    // The stored rollup is what later reads use (proved by editing it), and the same as live.
    await t.db.updateTable("category_day").set({ events: 102 }).where("category_id", "=", saleId).where("day", "=", "2026-11-01").execute();
    const again = await getCategoryStats(t.db, workspaceId, "sale", from, to, now);
    expect(again.total).toBe(live.total + 100);
    await t.db.updateTable("category_day").set({ events: 2 }).where("category_id", "=", saleId).where("day", "=", "2026-11-01").execute();
    expect(await getCategoryStats(t.db, workspaceId, "sale", from, to, now)).toEqual(live);
  });

  it("go with their category", async () => {
    const { data } = await t.trpc("category.create", cookie, { name: "temp", color: "#000000" });
    await recordEvent(t.db, { workspaceId, eventLimit: 1000 }, { category: "temp", fields: { x: 1 } }, at("2026-11-10T10:00:00Z"));
    await getCategoryStats(t.db, workspaceId, "temp", at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"), at("2026-11-28T12:00:00Z"));
    expect((await t.db.selectFrom("category_day").select("day").where("category_id", "=", data.id).execute()).length).toBeGreaterThan(0);
    await t.trpc("category.delete", cookie, { id: data.id });
    expect(await t.db.selectFrom("category_day").select("day").where("category_id", "=", data.id).execute()).toEqual([]);
  });
});

describe("rollup job", () => {
  it("computes the last closed days of categories with events ahead of the first visit", async () => {
    const { startRollupJob } = await import("./rollup.job");
    const saleId = (await t.db.selectFrom("category").select("id").where("name", "=", "sale").where("workspace_id", "=", workspaceId).executeTakeFirstOrThrow()).id;
    await t.db.deleteFrom("category_day").execute();
    t.services.clock = () => at("2026-11-29T06:00:00Z");
    const job = startRollupJob(t.services);
    job.stop();
    await job.runOnce();
    const days = await t.db.selectFrom("category_day").select(["category_id", "day", "events"]).orderBy("day").execute();
    // Nov 27 and 28 are the two closed days; "sale" had events on both, "other" on the 28th.
    expect(days.filter((d) => d.category_id === saleId)).toEqual([
      { category_id: saleId, day: "2026-11-27", events: 1 },
      { category_id: saleId, day: "2026-11-28", events: 2 },
    ]);
    expect(days).toHaveLength(4);
  });
});
