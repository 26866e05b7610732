import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/env";
import { newId } from "@/server/db/id";
import type { DeliveryStatus } from "@/server/db/types";
import { getCategoryStats } from "@/server/stats/stats.service";
import type { Plan } from "@/shared/current-user";
import { dialectUnderTest } from "../../../tests/support/test-database";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { startRetentionJob } from "./retention.job";
import { deleteEvents } from "./retention.queries";
import { purgeExpiredEvents, retentionGroups } from "./retention.service";

const at = (iso: string) => new Date(iso);
/** Noon on 15 March 2027: the FREE cutoff (30 days) is 13 Feb 00:00 UTC, the PRO one (365) 15 Mar 2026. */
const NOW = at("2027-03-15T12:00:00Z");
const FREE_CUTOFF = "2027-02-13T00:00:00.000Z";

let t: TestApp;
const clock = { now: NOW.getTime() };
const run = (opts: Parameters<typeof purgeExpiredEvents>[1] = {}) => purgeExpiredEvents(t.services, { pauseMs: 0, ...opts });

type Account = { id: string; cookie: string; categories: Record<string, string> };

async function account(email: string, plan: Plan, categories: string[]): Promise<Account> {
  const { cookie } = await t.signUp(email);
  const { id } = await t.ownerAccess(email);
  await t.db.updateTable("workspace").set({ plan }).where("id", "=", id).execute();
  const ids: Record<string, string> = {};
  for (const name of categories) {
    const { data, error } = await t.trpc("category.create", cookie, { name, color: "#FFEB3B" });
    if (error) throw new Error(JSON.stringify(error));
    ids[name] = data.id;
  }
  return { id, cookie, categories: ids };
}

/** Events written straight to the table with a chosen acceptance time (the seed's way). */
async function addEvents(owner: Account, category: string, rows: [string, Record<string, string | number | boolean>?][]) {
  const values = rows.map(([time, fields]) => ({
    id: newId(),
    workspace_id: owner.id,
    category_id: owner.categories[category]!,
    description: `A ${category} event`,
    fields: JSON.stringify(fields ?? {}),
    tags: "[]",
    notify: 0,
    status: "STORED" as const,
    occurred_at: time,
    created_at: time,
  }));
  await t.db.insertInto("event").values(values).execute();
  return values.map((v) => v.id);
}

async function addDelivery(eventId: string, workspaceId: string, status: DeliveryStatus, attempts: number) {
  const id = newId();
  const when = "2027-01-10T00:00:00.000Z";
  await t.db
    .insertInto("delivery")
    .values({ id, event_id: eventId, workspace_id: workspaceId, recipient_id: null, channel: "webhook", status, attempts, next_attempt_at: when, created_at: when, updated_at: when })
    .execute();
  for (let i = 1; i <= attempts; i++) {
    await t.db
      .insertInto("delivery_attempt")
      .values({ id: newId(), delivery_id: id, attempt: i, outcome: status === "DELIVERED" && i === attempts ? "delivered" : "error", status_code: 500, error: null, duration_ms: 5, started_at: when })
      .execute();
  }
  return id;
}

const eventTimes = async (workspaceId: string, category?: string) => {
  let q = t.db.selectFrom("event").select("created_at").where("workspace_id", "=", workspaceId);
  if (category) q = q.where("category_id", "=", category);
  const rows = await q.orderBy("created_at").execute();
  return rows.map((r) => new Date(r.created_at).toISOString());
};
const count = async (table: "delivery" | "delivery_attempt" | "idempotency_record", workspaceId?: string) => {
  let q = t.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n"));
  if (workspaceId && table !== "delivery_attempt") q = q.where("workspace_id", "=", workspaceId);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

let free: Account;
let pro: Account;
const protectedEvents: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp({ clock });
  free = await account("free@example.com", "FREE", ["sale", "bug"]);
  pro = await account("pro@example.com", "PRO", ["sale"]);

  await addEvents(free, "sale", [
    ["2027-01-20T10:00:00.000Z", { amount: 5, plan: "PRO" }],
    ["2027-01-20T15:00:00.000Z", { amount: 7.25, coupon: "X" }],
    ["2027-02-12T23:59:59.999Z", { amount: 1, seats: 3 }], // the last expired instant
    [FREE_CUTOFF, { amount: 2 }], // the first kept one
    ["2027-03-01T08:00:00.000Z", { amount: 3, seats: 1 }],
    ["2027-03-15T09:00:00.000Z", { amount: 4 }], // today
  ]);
  const [pending, sending, failed, delivered] = await addEvents(free, "bug", [
    ["2027-01-05T10:00:00.000Z", { code: 500 }],
    ["2027-01-06T10:00:00.000Z", { code: 502 }],
    ["2027-01-07T10:00:00.000Z", { code: 503 }],
    ["2027-01-08T10:00:00.000Z", { code: 504 }],
  ]);
  protectedEvents.pending = pending!;
  protectedEvents.sending = sending!;
  await addDelivery(pending!, free.id, "PENDING", 3);
  await addDelivery(sending!, free.id, "SENDING", 1);
  await addDelivery(failed!, free.id, "FAILED", 8);
  await addDelivery(delivered!, free.id, "DELIVERED", 2);

  await addEvents(pro, "sale", [
    ["2026-03-14T23:00:00.000Z", { amount: 100 }], // before the PRO cutoff
    ["2026-03-15T00:00:00.000Z", { amount: 10 }],
    ["2027-01-20T10:00:00.000Z", { amount: 20 }], // FREE would drop it; PRO keeps it
  ]);

  // Idempotency-Key records: expired ones with the old events, a live one today.
  const record = (workspaceId: string, key: string, createdAt: string) => ({ workspace_id: workspaceId, key, event_id: newId(), response: "{}", created_at: createdAt });
  await t.db
    .insertInto("idempotency_record")
    .values([record(free.id, "old", "2027-01-20T10:00:00.000Z"), record(free.id, "today", "2027-03-15T09:00:00.000Z"), record(pro.id, "pro-old", "2027-01-20T10:00:00.000Z")])
    .execute();
});
afterAll(() => t.close());

describe("retention per plan", () => {
  it("plans keep 30 / 365 / 730 days, cut at the start of a UTC day; EVENT_RETENTION_DAYS overrides the default plan only", () => {
    const groups = retentionGroups(t.env, NOW);
    expect(groups.map((g) => [g.plans, g.retentionDays, g.cutoff.toISOString()])).toEqual([
      [["FREE"], 30, FREE_CUTOFF],
      [["PRO"], 365, "2026-03-15T00:00:00.000Z"],
      [["ENTERPRISE"], 730, "2025-03-15T00:00:00.000Z"],
    ]);
    const overridden = retentionGroups({ ...t.env, DEFAULT_PLAN: "PRO", EVENT_RETENTION_DAYS: 30 }, NOW);
    expect(overridden.map((g) => [g.plans, g.retentionDays])).toEqual([
      [["FREE", "PRO"], 30],
      [["ENTERPRISE"], 730],
    ]);
    // Just after midnight the cutoff moves by one whole day.
    expect(retentionGroups(t.env, at("2027-03-16T00:00:00.001Z"))[0]!.cutoff.toISOString()).toBe("2027-02-14T00:00:00.000Z");
  });

  it("EVENT_RETENTION_DAYS is validated at startup", () => {
    const base = { AUTH_SECRET: "test-secret-0123456789abcdefghijklmnopqrstuvwxyz", DATA_DIR: t.env.DATA_DIR, DATABASE_URL: "postgres://unused" };
    expect(parseEnv({ ...base, EVENT_RETENTION_DAYS: "90" }).EVENT_RETENTION_DAYS).toBe(90);
    expect(parseEnv(base).EVENT_RETENTION_DAYS).toBeUndefined();
    for (const bad of ["0", "-5", "1.5", "forever"]) {
      expect(() => parseEnv({ ...base, EVENT_RETENTION_DAYS: bad }), bad).toThrow(EnvError);
    }
    expect(() => parseEnv({ ...base, EVENT_RETENTION_DAYS: "0" })).toThrow(/EVENT_RETENTION_DAYS must be a whole number of days, at least 1/);
  });

  it("deletes expired events only: totals, sums and day charts are the same after, other plans keep theirs, unsent deliveries protect their event", async () => {
    const ranges = [
      { owner: () => free, name: "sale", from: "2027-01-01T00:00:00.000Z", to: "2027-03-16T00:00:00.000Z" },
      { owner: () => free, name: "bug", from: "2027-01-01T00:00:00.000Z", to: "2027-02-01T00:00:00.000Z" },
      { owner: () => pro, name: "sale", from: "2026-03-01T00:00:00.000Z", to: "2027-03-16T00:00:00.000Z" },
    ];
    const stats = () => Promise.all(ranges.map((r) => getCategoryStats(t.db, r.owner().id, r.name, at(r.from), at(r.to), NOW)));
    const before = await stats();
    expect(before.map((s) => s.total)).toEqual([6, 4, 3]);
    expect(before[0]!.sums).toEqual([
      { field: "amount", sum: 22.25, count: 6 },
      { field: "seats", sum: 4, count: 2 },
    ]);
    // The stats call stored rollups; drop them, so the run itself must roll the expiring days up
    // from their complete events before deleting them (as after a worker outage, or on data
    // older than the rollups).
    await t.db.deleteFrom("category_day").execute();
    const attemptsBefore = await count("delivery_attempt");

    const result = await run();
    expect(result).toMatchObject({ events: 6, idempotencyRecords: 1 });
    expect(result.rollupsComputed).toBe(5); // free sale: Jan 20, Feb 12; free bug: Jan 7, Jan 8; pro sale: 14 Mar 2026

    expect(await eventTimes(free.id, free.categories.sale)).toEqual([FREE_CUTOFF, "2027-03-01T08:00:00.000Z", "2027-03-15T09:00:00.000Z"]);
    // Jan 5 and Jan 6 have a PENDING / SENDING delivery: kept with it.
    expect(await eventTimes(free.id, free.categories.bug)).toEqual(["2027-01-05T10:00:00.000Z", "2027-01-06T10:00:00.000Z"]);
    expect(await t.db.selectFrom("delivery").select("status").where("workspace_id", "=", free.id).orderBy("status").execute()).toEqual([{ status: "PENDING" }, { status: "SENDING" }]);
    // The FAILED delivery's 8 attempts and the DELIVERED one's 2 went with their events.
    expect(await count("delivery_attempt")).toBe(attemptsBefore - 10);
    // PRO keeps a year: only the event from before 15 March 2026 went.
    expect(await eventTimes(pro.id)).toEqual(["2026-03-15T00:00:00.000Z", "2027-01-20T10:00:00.000Z"]);
    // Idempotency records: FREE's expired one went; today's and PRO's (within its year) stay.
    expect(await t.db.selectFrom("idempotency_record").select("key").orderBy("key").execute()).toEqual([{ key: "pro-old" }, { key: "today" }]);

    const after = await stats();
    expect(after).toEqual(before);
    // Over tRPC too, with the app's clock: the FREE user's chart still shows the expired day.
    const { data } = await t.trpc("stats.category", free.cookie, { name: "sale", from: "2027-01-01T00:00:00Z", to: "2027-03-16T00:00:00Z" }, "query");
    expect(data.total).toBe(6);
    expect(data.buckets.find((b: { start: string }) => b.start === "2027-01-20T00:00:00.000Z")).toEqual({ start: "2027-01-20T00:00:00.000Z", count: 2 });
    // A short range on an expired day (hourly while its events existed) is counted from its rollup.
    const day = await t.trpc("stats.category", free.cookie, { name: "sale", from: "2027-01-20T00:00:00Z", to: "2027-01-21T00:00:00Z" }, "query");
    expect({ total: day.data.total, unit: day.data.range.unit, buckets: day.data.buckets }).toEqual({ total: 2, unit: "day", buckets: [{ start: "2027-01-20T00:00:00.000Z", count: 2 }] });

    // A second run finds nothing more; the protected events go once their deliveries are settled.
    expect(await run()).toMatchObject({ events: 0, rollupsComputed: 0 });
    await t.db.updateTable("delivery").set({ status: "DELIVERED" }).where("event_id", "=", protectedEvents.pending!).execute();
    expect(await run()).toMatchObject({ events: 1 });
    expect(await eventTimes(free.id, free.categories.bug)).toEqual(["2027-01-06T10:00:00.000Z"]);
    const bug = await getCategoryStats(t.db, free.id, "bug", at("2027-01-01T00:00:00Z"), at("2027-02-01T00:00:00Z"), NOW);
    expect(bug).toEqual(before[1]);
  });

  it("EVENT_RETENTION_DAYS shortens the default plan (PRO here) and leaves FREE at its 30 days", async () => {
    // 30 days: PRO and FREE share one cutoff, so one query per batch covers both plans.
    const env = { ...t.env, DEFAULT_PLAN: "PRO" as const, EVENT_RETENTION_DAYS: 30 };
    expect(retentionGroups(env, NOW)[0]!.plans).toEqual(["FREE", "PRO"]);
    const freeBefore = await eventTimes(free.id);
    const result = await purgeExpiredEvents({ ...t.services, env }, { pauseMs: 0 });
    expect(result.events).toBe(2);
    // PRO's cutoff is now 13 February: its 2026 and 20 January events go, its record too.
    expect(await eventTimes(pro.id)).toEqual([]);
    expect(await count("idempotency_record", pro.id)).toBe(0);
    expect(await eventTimes(free.id)).toEqual(freeBefore);
    const s = await getCategoryStats(t.db, pro.id, "sale", at("2026-03-01T00:00:00Z"), at("2027-03-16T00:00:00Z"), NOW);
    expect(s.total).toBe(3);
    expect(s.sums).toEqual([{ field: "amount", sum: 130, count: 3 }]);
  });

  it("works in batches: more rows than one batch, each statement at most a batch", async () => {
    const bulk = await account("bulk@example.com", "FREE", ["load"]);
    const rows: [string, Record<string, number>][] = [];
    for (let i = 0; i < 250; i++) rows.push([new Date(Date.UTC(2027, 0, 1 + (i % 5), 10, 0, i % 60, i)).toISOString(), { n: i }]);
    for (let i = 0; i < 3; i++) rows.push([`2027-03-0${i + 1}T10:00:00.000Z`, { n: 1000 + i }]);
    await addEvents(bulk, "load", rows);
    const chart = () => getCategoryStats(t.db, bulk.id, "load", at("2027-01-01T00:00:00Z"), at("2027-03-16T00:00:00Z"), NOW);
    const before = await chart();
    expect(before.total).toBe(253);

    const result = await run({ batchSize: 40 });
    expect(result.events).toBe(250);
    // 250 rows in batches of 40: 7 batches (6 full + one of 10), each followed by a pause.
    expect(result.batches).toBe(7);
    expect(await eventTimes(bulk.id)).toHaveLength(3);
    expect(await chart()).toEqual(before);
  });

  it("the job runs on its timer and stops between batches", async () => {
    const late = await account("late@example.com", "FREE", ["tick"]);
    await addEvents(
      late,
      "tick",
      Array.from({ length: 30 }, (_, i): [string] => [new Date(Date.UTC(2027, 0, 2, 0, 0, i)).toISOString()]),
    );
    const job = startRetentionJob(t.services, { firstRunAfterMs: 10, everyMs: 60_000, batchSize: 10, pauseMs: 0 });
    const deadline = Date.now() + 10_000;
    while ((await eventTimes(late.id)).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await job.stop();
    expect(await eventTimes(late.id)).toEqual([]);

    // stop() set before a run: the run ends before its first batch.
    await addEvents(late, "tick", [["2027-01-03T00:00:00.000Z"]]);
    const stopped = startRetentionJob(t.services, { firstRunAfterMs: 60_000 });
    await stopped.stop();
    expect(await stopped.runOnce()).toMatchObject({ events: 0, batches: 0 });
    expect(await eventTimes(late.id)).toHaveLength(1);
  });

  it.runIf(dialectUnderTest() === "postgres")("PostgreSQL: a Retry now committing during the delete keeps its event and delivery", async () => {
    const racer = await account("racer@example.com", "FREE", ["late"]);
    const [eventId] = await addEvents(racer, "late", [["2027-01-09T10:00:00.000Z"]]);
    const deliveryId = await addDelivery(eventId!, racer.id, "FAILED", 1);
    // "Retry now" from another connection, not yet committed when the retention batch starts.
    const retry = new pg.Client({ connectionString: (t.env.database as { url: string }).url });
    await retry.connect();
    try {
      await retry.query("begin");
      await retry.query("update delivery set status = 'PENDING' where id = $1", [deliveryId]);
      const deleting = deleteEvents(t.db, [eventId!]);
      await new Promise((r) => setTimeout(r, 200));
      await retry.query("commit");
      expect(await deleting).toBe(0);
    } finally {
      await retry.end();
    }
    expect(await t.db.selectFrom("delivery").select("status").where("id", "=", deliveryId).executeTakeFirst()).toEqual({ status: "PENDING" });
  });

  it.runIf(dialectUnderTest() === "postgres")("PostgreSQL: one run at a time across workers", async () => {
    const many = await account("many@example.com", "FREE", ["busy"]);
    await addEvents(
      many,
      "busy",
      Array.from({ length: 20 }, (_, i): [string] => [new Date(Date.UTC(2027, 0, 4, 0, 0, i)).toISOString()]),
    );
    // The first run holds the lock through its pauses; the second finds it taken and skips.
    const [a, b] = await Promise.all([run({ batchSize: 5, pauseMs: 50 }), new Promise((r) => setTimeout(r, 20)).then(() => run({ batchSize: 5, pauseMs: 0 }))]);
    expect(a.events).toBeGreaterThanOrEqual(20);
    expect(b).toMatchObject({ events: 0, skipped: "locked" });
    expect(await eventTimes(many.id)).toEqual([]);
    expect(await run()).toMatchObject({ events: 0 });
    expect(await run()).not.toHaveProperty("skipped");
  });
});
