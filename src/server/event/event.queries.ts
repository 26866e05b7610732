import { sql } from "kysely";
import { isPostgres, syncSqliteTransaction, type Db } from "@/server/db/db";
import type { Insertable } from "kysely";
import type { EventFields, EventStatus, EventTable } from "@/server/db/types";
import { insertDeliveriesQuery } from "@/server/delivery/delivery.queries";
import { enabledChannelsQuery } from "@/server/notification/notification.queries";
import { incrementQuotaUsageQuery } from "@/server/quota/quota.queries";

export type NewEvent = {
  id: string;
  userId: string;
  categoryId: string;
  description: string;
  fields: EventFields;
  tags: string[];
  notify: boolean;
  status: EventStatus;
  occurredAt: string;
  createdAt: string;
};

function insertEventQuery(db: Db, e: NewEvent) {
  return db.insertInto("event").values({
    id: e.id,
    user_id: e.userId,
    category_id: e.categoryId,
    description: e.description,
    fields: JSON.stringify(e.fields),
    tags: JSON.stringify(e.tags),
    // 1/0: better-sqlite3 binds no booleans, and PostgreSQL reads '1'/'0' as boolean input.
    notify: e.notify ? 1 : 0,
    status: e.status,
    occurred_at: e.occurredAt,
    created_at: e.createdAt,
  });
}

/**
 * Claims an Idempotency-Key for a new event, storing the response it will replay. A live
 * record (younger than `expiredBefore`) is left alone and nothing is returned; an expired one
 * is taken over. On PostgreSQL a concurrent claim waits for the first transaction to finish.
 */
function claimIdempotencyKeyQuery(db: Db, r: IdempotencyClaim) {
  return db
    .insertInto("idempotency_record")
    .values({ user_id: r.userId, key: r.key, event_id: r.eventId, response: r.response, created_at: r.createdAt })
    .onConflict((oc) =>
      oc
        .columns(["user_id", "key"])
        .doUpdateSet((eb) => ({ event_id: eb.ref("excluded.event_id"), response: eb.ref("excluded.response"), created_at: eb.ref("excluded.created_at") }))
        .where("idempotency_record.created_at", "<", r.expiredBefore),
    )
    .returning("event_id");
}

export type IdempotencyClaim = { userId: string; key: string; eventId: string; response: string; createdAt: string; expiredBefore: string };
export type StoreEventResult = { kind: "stored"; quotaUsed: number; channels: string[] } | { kind: "replay" } | { kind: "quota-exceeded" } | { kind: "no-category" };
/** The Idempotency-Key to claim, with the response it replays (which names the channels notified). */
export type ClaimRequest = Omit<IdempotencyClaim, "response"> & { response: (channels: string[]) => string };

class QuotaExhausted extends Error {}

/**
 * One transaction: find the user's category by name, pick the enabled channels (minus
 * opt-outs), claim the Idempotency-Key (if any), count the event against the month's quota
 * (no row = used up), insert the event and one delivery row per channel (the outbox). Quota
 * exhaustion rolls everything back. SQLite runs it synchronously under Kysely's connection
 * (the ingest hot path, ADR 0001); PostgreSQL runs the same queries in a Kysely transaction.
 */
export async function storeEvent(
  db: Db,
  categoryName: string,
  event: Omit<NewEvent, "categoryId" | "status">,
  quota: { period: string; limit: number },
  claim?: ClaimRequest,
): Promise<StoreEventResult> {
  const category = (q: Db) => q.selectFrom("category").select("id").where("user_id", "=", event.userId).where("name", "=", categoryName);
  const channelsOf = (q: Db, categoryId: string) => enabledChannelsQuery(q, event.userId, categoryId);
  const writes = (q: Db, categoryId: string, channels: string[]) => ({
    claim: claim && claimIdempotencyKeyQuery(q, { ...claim, response: claim.response(channels) }),
    quota: incrementQuotaUsageQuery(q, event.userId, quota.period, quota.limit),
    insert: insertEventQuery(q, { ...event, categoryId, status: channels.length ? "PENDING" : "STORED" }),
    deliveries: channels.length ? insertDeliveriesQuery(q, event.id, event.userId, channels, event.createdAt) : undefined,
  });
  try {
    const sync = syncSqliteTransaction(db);
    if (sync) {
      const lookup = category(db);
      return await sync((run): StoreEventResult => {
        const categoryId = run(lookup)[0]?.id;
        if (!categoryId) return { kind: "no-category" };
        const channels = event.notify ? run(channelsOf(db, categoryId)).map((r) => r.channel) : [];
        const q = writes(db, categoryId, channels);
        if (q.claim && run(q.claim).length === 0) return { kind: "replay" };
        const used = run(q.quota)[0]?.used;
        if (used === undefined) throw new QuotaExhausted();
        run(q.insert);
        if (q.deliveries) run(q.deliveries);
        return { kind: "stored", quotaUsed: used, channels };
      });
    }
    return await db.transaction().execute(async (trx): Promise<StoreEventResult> => {
      const categoryId = (await category(trx).executeTakeFirst())?.id;
      if (!categoryId) return { kind: "no-category" };
      const channels = event.notify ? (await channelsOf(trx, categoryId).execute()).map((r) => r.channel) : [];
      const q = writes(trx, categoryId, channels);
      if (q.claim && !(await q.claim.executeTakeFirst())) return { kind: "replay" };
      const used = (await q.quota.executeTakeFirst())?.used;
      if (used === undefined) throw new QuotaExhausted();
      await q.insert.execute();
      if (q.deliveries) await q.deliveries.execute();
      return { kind: "stored", quotaUsed: used, channels };
    });
  } catch (error) {
    if (error instanceof QuotaExhausted) return { kind: "quota-exceeded" };
    throw error;
  }
}

export function findIdempotencyRecord(db: Db, userId: string, key: string) {
  return db.selectFrom("idempotency_record").select(["event_id", "response"]).where("user_id", "=", userId).where("key", "=", key).executeTakeFirst();
}

export type EventListFilter = { userId: string; categoryId?: string; from?: string; to?: string; before?: { createdAt: string; id: string }; limit: number };

/** Newest first; `before` is the cursor (the last row of the previous page). Always scoped to the user. */
/** An event with its category's name, always scoped to its owner. */
const eventsOf = (db: Db, userId: string) =>
  db
    .selectFrom("event")
    .innerJoin("category", "category.id", "event.category_id")
    .select(["event.id", "category.name as category", "event.description", "event.fields", "event.tags", "event.status", "event.notify", "event.occurred_at", "event.created_at"])
    .where("event.user_id", "=", userId);

export function listEventsPage(db: Db, f: EventListFilter) {
  let q = eventsOf(db, f.userId);
  if (f.categoryId) q = q.where("event.category_id", "=", f.categoryId);
  if (f.from) q = q.where("event.created_at", ">=", f.from);
  if (f.to) q = q.where("event.created_at", "<", f.to);
  const before = f.before;
  if (before) {
    q = q.where((eb) => eb.or([eb("event.created_at", "<", before.createdAt), eb.and([eb("event.created_at", "=", before.createdAt), eb("event.id", "<", before.id)])]));
  }
  // (created_at, id) descending: the order of the (category_id | user_id, created_at, id) indexes.
  return q.orderBy("event.created_at", "desc").orderBy("event.id", "desc").limit(f.limit).execute();
}

export function findEventById(db: Db, userId: string, id: string) {
  return eventsOf(db, userId).where("event.id", "=", id).executeTakeFirst();
}

/** Bulk insert of ready rows (the demo seed). */
export function insertEventRows(db: Db, rows: Insertable<EventTable>[]) {
  return db.insertInto("event").values(rows).execute();
}

/** After a bulk load: refresh PostgreSQL's planner statistics (autovacuum would, later). SQLite: nothing to do. */
export async function analyzeEvents(db: Db) {
  if (isPostgres(db)) await sql`analyze event`.execute(db);
}
