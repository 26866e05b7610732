import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@/server/db/id";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { createGroupCommit } from "./event.group-commit";
import { storeEvents, type EventWrite, type StoreEventResult } from "./event.queries";

/**
 * Group commit: events submitted together are stored in one transaction, yet each gets its own
 * outcome, a failing one fails alone, the quota is never overshot and Idempotency-Keys hold.
 * On the dialect under test (SQLite, or PostgreSQL with DATABASE_URL).
 */
let t: TestApp;
let workspaceId: string;
let key: string;
const NOW = new Date("2026-11-28T12:00:00Z");
const LIMIT = 1000;

beforeAll(async () => {
  t = await startTestApp({ env: { API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000", PLAN_EVENT_LIMIT: String(LIMIT) }, clock: { now: NOW.getTime() } });
  const u = await t.signUpWithKey("group@example.com");
  key = u.key;
  workspaceId = (await t.ownerAccess("group@example.com")).id;
  for (const name of ["sale", "alert"]) expect((await t.api("/api/v1/categories", key, { json: { name } })).status).toBe(201);
  // One channel on, so stored events get delivery rows (the outbox) in the same transaction.
  await t.db
    .insertInto("workspace_destination")
    .values({ workspace_id: workspaceId, channel: "webhook", enabled: 1, config: "{}", created_at: NOW.toISOString(), updated_at: NOW.toISOString() })
    .execute();
});
afterAll(() => t.close());

const month = () => NOW.toISOString().slice(0, 7);
const count = async (table: "event" | "delivery" | "idempotency_record") =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .where("workspace_id", "=", workspaceId)
        .executeTakeFirstOrThrow()
    ).n,
  );
const used = async () => (await t.db.selectFrom("quota_usage").select("used").where("workspace_id", "=", workspaceId).where("period", "=", month()).executeTakeFirst())?.used ?? 0;

function write(over: { category?: string; limit?: number; key?: string; id?: string; n?: number; notify?: boolean } = {}): EventWrite {
  const createdAt = NOW.toISOString();
  return {
    categoryName: over.category ?? "sale",
    event: { id: over.id ?? newId(), workspaceId, description: "d", fields: { n: over.n ?? 0 }, tags: [], notify: over.notify ?? true, occurredAt: createdAt, createdAt },
    quota: { period: month(), limit: over.limit ?? LIMIT },
    claim: over.key === undefined ? undefined : { key: over.key, createdAt, expiredBefore: new Date(NOW.getTime() - 86_400_000).toISOString(), response: (channels) => JSON.stringify({ channels }) },
  };
}

/** A group commit that records the size of every transaction it runs. */
function recordingGroupCommit(maxGroup?: number) {
  const groups: number[] = [];
  const group = createGroupCommit(t.db, {
    maxGroup,
    store: (db, writes) => {
      groups.push(writes.length);
      return storeEvents(db, writes);
    },
  });
  return { group, groups };
}

describe("group commit", () => {
  it("stores events submitted together in one transaction, each with its own outcome and deliveries", async () => {
    const { group, groups } = recordingGroupCommit();
    const [eventsBefore, deliveriesBefore, usedBefore] = [await count("event"), await count("delivery"), await used()];
    const writes = Array.from({ length: 30 }, (_, n) => write({ n }));
    const outcomes = await Promise.all(writes.map((w) => group.submit(w)));
    expect(groups).toEqual([30]);
    expect(outcomes.every((o) => o.kind === "stored" && o.channels.join() === "webhook")).toBe(true);
    // Each counted in order: the quota values handed back are consecutive, one per event.
    expect(outcomes.map((o) => (o as { quotaUsed: number }).quotaUsed)).toEqual(writes.map((_, i) => usedBefore + i + 1));
    expect(await count("event")).toBe(eventsBefore + 30);
    expect(await count("delivery")).toBe(deliveriesBefore + 30);
    for (const [i, w] of writes.entries()) {
      const row = await t.db.selectFrom("event").select(["fields", "status"]).where("id", "=", w.event.id).executeTakeFirstOrThrow();
      expect(typeof row.fields === "string" ? JSON.parse(row.fields) : row.fields).toEqual({ n: i });
      expect(row.status).toBe("PENDING");
    }
  });

  it("events of several users in one group: each stored for its own user, results in the order submitted", async () => {
    const other = await t.signUpWithKey("group-other@example.com");
    await t.api("/api/v1/categories", other.key, { json: { name: "sale" } });
    const otherId = (await t.ownerAccess("group-other@example.com")).id;
    const { group, groups } = recordingGroupCommit();
    const writes = Array.from({ length: 12 }, (_, n) => {
      const w = write({ n });
      return n % 3 === 1 ? { ...w, event: { ...w.event, workspaceId: otherId } } : w;
    });
    const outcomes = await Promise.all(writes.map((w) => group.submit(w)));
    expect(groups).toEqual([12]);
    expect(outcomes.every((o) => o.kind === "stored")).toBe(true);
    // The other workspace has no channel: its events notify nobody; each workspace's quota counted its own events.
    expect(outcomes.map((o) => (o as { channels: string[] }).channels.length)).toEqual(writes.map((_, n) => (n % 3 === 1 ? 0 : 1)));
    expect(outcomes.filter((_, n) => n % 3 === 1).map((o) => (o as { quotaUsed: number }).quotaUsed)).toEqual([1, 2, 3, 4]);
    for (const w of writes) {
      const row = await t.db.selectFrom("event").select("workspace_id").where("id", "=", w.event.id).executeTakeFirstOrThrow();
      expect(row.workspace_id).toBe(w.event.workspaceId);
    }
  });

  it("takes what arrives while a transaction runs into the next one, up to the group size", async () => {
    const { group, groups } = recordingGroupCommit(8);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, n) => group.submit(write({ n, notify: false }))));
    expect(outcomes.every((o) => o.kind === "stored")).toBe(true);
    expect(groups).toEqual([8, 8, 4]);
  });

  it("one failing event fails alone: unknown category, quota used up, replay — the others are stored", async () => {
    const { group, groups } = recordingGroupCommit();
    const before = await count("event");
    const full = await used(); // this month's count: a limit equal to it is used up
    const outcomes = await Promise.all([
      group.submit(write({ n: 1 })),
      group.submit(write({ category: "no-such-category" })),
      group.submit(write({ n: 2, category: "alert" })),
      group.submit(write({ limit: full + 1 })), // room for exactly one more: it is the 3rd counted in this group, so refused
      group.submit(write({ n: 3, key: "fail-alone" })),
      group.submit(write({ n: 4, key: "fail-alone" })),
    ]);
    expect(groups).toEqual([6]);
    expect(outcomes.map((o) => o.kind)).toEqual(["stored", "no-category", "stored", "quota-exceeded", "stored", "replay"]);
    expect(await count("event")).toBe(before + 3);
  });

  it("an unexpected statement failure fails only that event: the group is retried one by one", async () => {
    const { group, groups } = recordingGroupCommit();
    const id = newId();
    const before = [await count("event"), await used()];
    // The second write reuses the first one's id: its insert violates the primary key.
    const settled = await Promise.allSettled([group.submit(write({ id, n: 1 })), group.submit(write({ id, n: 2 })), group.submit(write({ n: 3 }))]);
    expect(groups).toEqual([3]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    // The failed event left nothing behind, not even its quota count.
    expect([await count("event"), await used()]).toEqual([before[0]! + 2, before[1]! + 2]);
  });

  it("never overshoots the quota under concurrency, whatever the grouping", async () => {
    const { group } = recordingGroupCommit(7);
    const start = await used();
    const limit = start + 25;
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, n) => group.submit(write({ n, limit, notify: false }))));
    expect(outcomes.filter((o) => o.kind === "stored")).toHaveLength(25);
    expect(outcomes.filter((o) => o.kind === "quota-exceeded")).toHaveLength(75);
    // In order: the first 25 submitted are the ones stored.
    expect(outcomes.slice(0, 25).every((o) => o.kind === "stored")).toBe(true);
    expect(await used()).toBe(limit);
  });

  it("an Idempotency-Key holds within one group and across groups: one event, the rest replay it", async () => {
    const { group, groups } = recordingGroupCommit();
    const before = [await count("event"), await count("idempotency_record"), await used()];
    const first = await Promise.all(Array.from({ length: 10 }, (_, n) => group.submit(write({ n, key: "same-key" }))));
    const again = await group.submit(write({ key: "same-key" }));
    expect(groups).toEqual([10, 1]);
    expect(first.map((o) => o.kind)).toEqual(["stored", ...Array(9).fill("replay")]);
    expect(again.kind).toBe("replay");
    const responses = new Set([...first.slice(1), again].map((o) => (o as Extract<StoreEventResult, { kind: "replay" }>).response));
    expect([...responses]).toEqual([JSON.stringify({ channels: ["webhook"] })]);
    expect([await count("event"), await count("idempotency_record"), await used()]).toEqual([before[0]! + 1, before[1]! + 1, before[2]! + 1]);
  });

  it("two transactions racing for one Idempotency-Key: one stores, the other replays it uncounted", async () => {
    const before = [await count("event"), await used()];
    // Separate transactions (no group): on PostgreSQL both pass the first check, then one waits on the other's claim.
    const outcomes = await Promise.all([storeEvents(t.db, [write({ n: 1, key: "race" })]), storeEvents(t.db, [write({ n: 2, key: "race" })])]);
    expect(outcomes.map(([o]) => (o as StoreEventResult).kind).sort()).toEqual(["replay", "stored"]);
    expect([await count("event"), await used()]).toEqual([before[0]! + 1, before[1]! + 1]);
  });

  it("a key refused for quota is not kept: the retry after the limit is raised is stored", async () => {
    const { group } = recordingGroupCommit();
    const full = await used();
    expect((await group.submit(write({ key: "after-raise", limit: full }))).kind).toBe("quota-exceeded");
    expect((await group.submit(write({ key: "after-raise", limit: full + 1 }))).kind).toBe("stored");
  });
});

describe("POST /api/v1/events under concurrency", () => {
  for (const groupCommit of ["true", "false"]) {
    it(`answers each request with its own event (INGEST_GROUP_COMMIT=${groupCommit})`, async () => {
      const q = await startTestApp({ env: { INGEST_GROUP_COMMIT: groupCommit, API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" } });
      try {
        const u = await q.signUpWithKey(`own-${groupCommit}@example.com`);
        await q.api("/api/v1/categories", u.key, { json: { name: "load" } });
        const responses = await Promise.all(Array.from({ length: 60 }, (_, n) => q.api("/api/v1/events", u.key, { json: { category: "load", description: `event ${n}`, fields: { n } } })));
        expect(responses.map((r) => r.status)).toEqual(Array(60).fill(202));
        const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ id: string }>));
        expect(new Set(bodies.map((b) => b.id)).size).toBe(60);
        // Each answer names the event its own request sent, and the quota after it was counted.
        const remaining = responses.map((r) => Number(r.headers.get("x-quota-remaining")));
        expect(new Set(remaining).size).toBe(60);
        for (const [n, body] of bodies.entries()) {
          const stored = await (await q.api(`/api/v1/events/${body.id}`, u.key)).json();
          expect(stored).toMatchObject({ description: `event ${n}`, fields: { n } });
        }
      } finally {
        await q.close();
      }
    });

    it(`stores exactly what the quota allows and one event per Idempotency-Key (INGEST_GROUP_COMMIT=${groupCommit})`, async () => {
      const q = await startTestApp({ env: { INGEST_GROUP_COMMIT: groupCommit, PLAN_EVENT_LIMIT: "40", API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" } });
      try {
        const u = await q.signUpWithKey(`quota-${groupCommit}@example.com`);
        await q.api("/api/v1/categories", u.key, { json: { name: "load" } });
        const keyed = Array.from({ length: 20 }, () => q.api("/api/v1/events", u.key, { json: { category: "load" }, headers: { "idempotency-key": "one" } }));
        const plain = Array.from({ length: 80 }, (_, n) => q.api("/api/v1/events", u.key, { json: { category: "load", fields: { n } } }));
        const responses = await Promise.all([...keyed, ...plain]);
        expect(responses.every((r) => r.status === 202 || r.status === 429)).toBe(true);
        // The keyed requests that were accepted all name one event; every accepted plain one is its own.
        const keyedIds = new Set(
          await Promise.all(
            responses
              .slice(0, 20)
              .filter((r) => r.status === 202)
              .map(async (r) => (await r.json()).id),
          ),
        );
        expect(keyedIds.size).toBeLessThanOrEqual(1);
        const plainAccepted = responses.slice(20).filter((r) => r.status === 202).length;
        expect(plainAccepted + keyedIds.size).toBe(40);
        expect(await q.countRows("event")).toBe(40);
      } finally {
        await q.close();
      }
    });
  }
});
