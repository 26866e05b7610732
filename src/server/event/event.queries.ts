import { sql } from "kysely";
import { isPostgres, syncSqliteTransaction, type Db, type RawQuery } from "@/server/db/db";
import type { Insertable } from "kysely";
import { newId } from "@/server/db/id";
import { executePrepared, prepareQuery } from "@/server/db/prepared";
import type { EventFields, EventStatus, EventTable } from "@/server/db/types";
import { enabledChannelsQuery } from "@/server/notification/notification.queries";
import { decrementQuotaUsageQuery, incrementQuotaUsageByQuery, incrementQuotaUsageQuery } from "@/server/quota/quota.queries";

export type NewEvent = {
  id: string;
  workspaceId: string;
  categoryId: string;
  description: string;
  fields: EventFields;
  tags: string[];
  notify: boolean;
  status: EventStatus;
  occurredAt: string;
  createdAt: string;
};

/**
 * The statements of the ingest path, each built with Kysely once per database and then run as
 * prepared SQL (db/prepared.ts): building and compiling them per event cost more than running them.
 */
const findCategoryIdQuery = prepareQuery((db: Db, workspaceId: string, name: string) => db.selectFrom("category").select("id").where("workspace_id", "=", workspaceId).where("name", "=", name));
const enabledChannels = prepareQuery(enabledChannelsQuery);
/** A live record (younger than `liveSince`) of an Idempotency-Key: the response to replay. */
const findLiveIdempotencyResponse = prepareQuery((db: Db, workspaceId: string, key: string, liveSince: string) =>
  db.selectFrom("idempotency_record").select("response").where("workspace_id", "=", workspaceId).where("key", "=", key).where("created_at", ">=", liveSince),
);
const findIdempotencyResponse = prepareQuery((db: Db, workspaceId: string, key: string) =>
  db.selectFrom("idempotency_record").select("response").where("workspace_id", "=", workspaceId).where("key", "=", key),
);
/**
 * Claims an Idempotency-Key for a new event, storing the response it will replay. A live
 * record (younger than `expiredBefore`) is left alone and nothing is returned; an expired one
 * is taken over. On PostgreSQL a concurrent claim waits for the first transaction to finish.
 */
const claimIdempotencyKey = prepareQuery((db: Db, workspaceId: string, key: string, eventId: string, response: string, createdAt: string, expiredBefore: string) =>
  db
    .insertInto("idempotency_record")
    .values({ workspace_id: workspaceId, key, event_id: eventId, response, created_at: createdAt })
    .onConflict((oc) =>
      oc
        .columns(["workspace_id", "key"])
        .doUpdateSet((eb) => ({ event_id: eb.ref("excluded.event_id"), response: eb.ref("excluded.response"), created_at: eb.ref("excluded.created_at") }))
        .where("idempotency_record.created_at", "<", expiredBefore),
    )
    .returning("event_id"),
);
const incrementQuota = prepareQuery(incrementQuotaUsageQuery);
const incrementQuotaBy = prepareQuery(incrementQuotaUsageByQuery);
const decrementQuota = prepareQuery(decrementQuotaUsageQuery);
const insertEvent = prepareQuery(
  (db: Db, id: string, workspaceId: string, categoryId: string, description: string, fields: string, tags: string, notify: number, status: EventStatus, occurredAt: string, createdAt: string) =>
    db.insertInto("event").values({
      id,
      workspace_id: workspaceId,
      category_id: categoryId,
      description,
      fields,
      tags,
      notify,
      status,
      occurred_at: occurredAt,
      created_at: createdAt,
    }),
);
/** The outbox: one row per (event, channel, recipient), due at once. */
const insertDelivery = prepareQuery((db: Db, id: string, eventId: string, workspaceId: string, recipientId: string | null, channel: string, now: string) =>
  db
    .insertInto("delivery")
    .values({ id, event_id: eventId, workspace_id: workspaceId, recipient_id: recipientId, channel, status: "PENDING", attempts: 0, next_attempt_at: now, created_at: now, updated_at: now }),
);

/**
 * PostgreSQL only: all the events (and deliveries) of a transaction in one statement each, the
 * columns sent as arrays and unnested into rows, so a group costs one round trip instead of one
 * per row. SQLite runs insertEvent/insertDelivery per row (in process: no round trips to save).
 */
const insertEventRowsPostgres = prepareQuery(
  (
    db: Db,
    ids: string[],
    workspaceIds: string[],
    categoryIds: string[],
    descriptions: string[],
    fields: string[],
    tags: string[],
    notify: boolean[],
    statuses: string[],
    occurredAt: string[],
    createdAt: string[],
  ) => ({
    compile: () =>
      sql`insert into event (id, workspace_id, category_id, description, fields, tags, notify, status, occurred_at, created_at)
        select * from unnest(${ids}::text[], ${workspaceIds}::text[], ${categoryIds}::text[], ${descriptions}::text[], ${fields}::jsonb[], ${tags}::jsonb[], ${notify}::boolean[], ${statuses}::text[], ${occurredAt}::timestamptz[], ${createdAt}::timestamptz[])`.compile(
        db,
      ),
  }),
);
const insertDeliveryRowsPostgres = prepareQuery((db: Db, ids: string[], eventIds: string[], workspaceIds: string[], recipientIds: (string | null)[], channels: string[], at: string[]) => ({
  compile: () =>
    sql`insert into delivery (id, event_id, workspace_id, recipient_id, channel, status, attempts, next_attempt_at, created_at, updated_at)
      select d.id, d.event_id, d.workspace_id, d.recipient_id, d.channel, 'PENDING', 0, d.at, d.at, d.at
      from unnest(${ids}::text[], ${eventIds}::text[], ${workspaceIds}::text[], ${recipientIds}::text[], ${channels}::text[], ${at}::timestamptz[]) as d(id, event_id, workspace_id, recipient_id, channel, at)`.compile(
      db,
    ),
}));

export type IdempotencyClaim = { key: string; createdAt: string; expiredBefore: string; response: (channels: string[]) => string };

/** One event to store: its category by name, the month it counts against, an optional Idempotency-Key. */
export type EventWrite = {
  event: Omit<NewEvent, "categoryId" | "status">;
  categoryName: string;
  quota: { period: string; limit: number };
  claim?: IdempotencyClaim;
};

/** Where one event is delivered: a channel, and the member it is for (null: a workspace destination). */
export type DeliveryTarget = { channel: string; recipient_id: string | null };

export type StoreEventResult = { kind: "stored"; quotaUsed: number; channels: string[] } | { kind: "replay"; response: string } | { kind: "quota-exceeded" } | { kind: "no-category" };

/** What the events of one transaction looked up already (the same category or channels again). */
type BatchMemo = { categories: Map<string, string | null>; targets: Map<string, DeliveryTarget[]> };

/** Rows of the transaction's stored events, inserted once every event is decided (events, then deliveries). */
type PendingRows = { events: (NewEvent & { notifyFlag: number })[]; deliveries: { id: string; eventId: string; workspaceId: string; recipientId: string | null; channel: string; at: string }[] };

type Rows<R> = R[];
type Steps<T> = Generator<RawQuery, T, Rows<never>>;

/** The event's category (by name) and where it is delivered, or null for no such category. */
function* findTarget(db: Db, w: EventWrite, memo: BatchMemo): Steps<{ categoryId: string; targets: DeliveryTarget[] } | null> {
  const { event } = w;
  const categoryKey = `${event.workspaceId}\u0000${w.categoryName}`;
  let categoryId = memo.categories.get(categoryKey);
  if (categoryId === undefined) {
    const rows: Rows<{ id: string }> = yield findCategoryIdQuery(db, event.workspaceId, w.categoryName);
    categoryId = rows[0]?.id ?? null;
    memo.categories.set(categoryKey, categoryId);
  }
  if (!categoryId) return null;
  if (!event.notify) return { categoryId, targets: [] };
  const targetKey = `${event.workspaceId}\u0000${categoryId}`;
  let targets = memo.targets.get(targetKey);
  if (!targets) {
    targets = yield enabledChannels(db, event.workspaceId, categoryId);
    memo.targets.set(targetKey, targets);
  }
  return { categoryId, targets };
}

/** The channels an event goes to, each named once (the API's answer), though several members may each have one. */
const channelNames = (targets: DeliveryTarget[]) => [...new Set(targets.map((t) => t.channel))];

/** A counted event's rows: the event, and one delivery per channel (the outbox), due at once. */
function keep(pending: PendingRows, w: EventWrite, target: { categoryId: string; targets: DeliveryTarget[] }, quotaUsed: number): StoreEventResult {
  const { event } = w;
  const status: EventStatus = target.targets.length ? "PENDING" : "STORED";
  // notify 1/0: better-sqlite3 binds no booleans, and PostgreSQL reads '1'/'0' as boolean input.
  pending.events.push({ ...event, categoryId: target.categoryId, status, notifyFlag: event.notify ? 1 : 0 });
  for (const { channel, recipient_id } of target.targets) {
    pending.deliveries.push({ id: newId(), eventId: event.id, workspaceId: event.workspaceId, recipientId: recipient_id, channel, at: event.createdAt });
  }
  return { kind: "stored", quotaUsed, channels: channelNames(target.targets) };
}

/**
 * One event, as a sequence of statements (yielded) that the caller runs in its transaction:
 * synchronously on SQLite, awaited on PostgreSQL. The same steps in the same order on both.
 *
 * Nothing is written unless the event is stored, so an event that fails (unknown category,
 * quota used up, replay) leaves the transaction as it found it and the other events of the
 * same transaction go on. The quota row is locked before the Idempotency-Key row, in every
 * transaction, so concurrent transactions on PostgreSQL always take the locks in one order.
 */
function* storeOne(db: Db, w: EventWrite, memo: BatchMemo, pending: PendingRows): Steps<StoreEventResult> {
  const { event, claim } = w;
  const target = yield* findTarget(db, w, memo);
  if (!target) return { kind: "no-category" };
  if (claim) {
    const live: Rows<{ response: string }> = yield findLiveIdempotencyResponse(db, event.workspaceId, claim.key, claim.expiredBefore);
    if (live[0]) return { kind: "replay", response: live[0].response };
  }
  // No row: the month's quota is used up (check-and-count is one statement).
  const counted: Rows<{ used: number }> = yield incrementQuota(db, event.workspaceId, w.quota.period, w.quota.limit);
  const used = counted[0]?.used;
  if (used === undefined) return { kind: "quota-exceeded" };
  if (claim) {
    const claimed: Rows<{ event_id: string }> = yield claimIdempotencyKey(
      db,
      event.workspaceId,
      claim.key,
      event.id,
      claim.response(channelNames(target.targets)),
      claim.createdAt,
      claim.expiredBefore,
    );
    if (!claimed[0]) {
      // A concurrent request (another transaction, PostgreSQL) claimed the key since the check
      // above and has committed: this one is its replay, and is not counted.
      yield decrementQuota(db, event.workspaceId, w.quota.period);
      const record: Rows<{ response: string }> = yield findIdempotencyResponse(db, event.workspaceId, claim.key);
      if (!record[0]) throw new Error("Idempotency-Key record vanished while locked");
      return { kind: "replay", response: record[0].response };
    }
  }
  return keep(pending, w, target, used);
}

/**
 * Consecutive events of one user and month without Idempotency-Key: the same outcome as
 * storeOne for each in turn, with the quota counted for all of them in one statement when
 * they all fit (the usual case), else one by one, in order, so exactly the first ones that
 * fit are stored.
 */
function* storeRun(db: Db, writes: EventWrite[], memo: BatchMemo, pending: PendingRows): Steps<StoreEventResult[]> {
  const results = new Array<StoreEventResult>(writes.length);
  const targets: ({ categoryId: string; targets: DeliveryTarget[] } | null)[] = [];
  for (const w of writes) targets.push(yield* findTarget(db, w, memo));
  const counted = writes.flatMap((_, i) => (targets[i] ? [i] : []));
  for (const [i, target] of targets.entries()) if (!target) results[i] = { kind: "no-category" };
  const { workspaceId } = writes[0]!.event;
  const { period, limit } = writes[0]!.quota;
  if (counted.length > 1 && counted.length <= limit) {
    const all: Rows<{ used: number }> = yield incrementQuotaBy(db, workspaceId, period, counted.length, limit);
    const last = all[0]?.used;
    if (last !== undefined) {
      for (const [j, i] of counted.entries()) results[i] = keep(pending, writes[i]!, targets[i]!, last - counted.length + 1 + j);
      return results;
    }
  }
  for (const i of counted) {
    const one: Rows<{ used: number }> = yield incrementQuota(db, workspaceId, period, limit);
    results[i] = one[0] ? keep(pending, writes[i]!, targets[i]!, one[0].used) : { kind: "quota-exceeded" };
  }
  return results;
}

/** The rows of the stored events (dialects differ: see insertEventRowsPostgres). */
function* insertPending(db: Db, pending: PendingRows): Steps<void> {
  if (!pending.events.length) return;
  if (isPostgres(db)) {
    const e = pending.events;
    yield insertEventRowsPostgres(
      db,
      e.map((r) => r.id),
      e.map((r) => r.workspaceId),
      e.map((r) => r.categoryId),
      e.map((r) => r.description),
      e.map((r) => JSON.stringify(r.fields)),
      e.map((r) => JSON.stringify(r.tags)),
      e.map((r) => r.notify),
      e.map((r) => r.status),
      e.map((r) => r.occurredAt),
      e.map((r) => r.createdAt),
    );
    const d = pending.deliveries;
    if (d.length)
      yield insertDeliveryRowsPostgres(
        db,
        d.map((r) => r.id),
        d.map((r) => r.eventId),
        d.map((r) => r.workspaceId),
        d.map((r) => r.recipientId),
        d.map((r) => r.channel),
        d.map((r) => r.at),
      );
    return;
  }
  for (const r of pending.events) {
    yield insertEvent(db, r.id, r.workspaceId, r.categoryId, r.description, JSON.stringify(r.fields), JSON.stringify(r.tags), r.notifyFlag, r.status, r.occurredAt, r.createdAt);
  }
  for (const r of pending.deliveries) yield insertDelivery(db, r.id, r.eventId, r.workspaceId, r.recipientId, r.channel, r.at);
}

/**
 * Every write of one transaction, taken in `order`: runs of plain events (one user, one month,
 * no Idempotency-Key) together, the others one by one; then the rows of all stored events.
 */
function* storeGroup(db: Db, writes: EventWrite[], order: number[]): Steps<StoreEventResult[]> {
  const memo: BatchMemo = { categories: new Map(), targets: new Map() };
  const pending: PendingRows = { events: [], deliveries: [] };
  const results = new Array<StoreEventResult>(writes.length);
  const sameRun = (a: EventWrite, b: EventWrite) => !b.claim && b.event.workspaceId === a.event.workspaceId && b.quota.period === a.quota.period && b.quota.limit === a.quota.limit;
  for (let k = 0; k < order.length; ) {
    const first = writes[order[k]!]!;
    let end = k + 1;
    if (!first.claim) while (end < order.length && sameRun(first, writes[order[end]!]!)) end++;
    if (end - k > 1) {
      const run = order.slice(k, end);
      const outcomes = yield* storeRun(
        db,
        run.map((i) => writes[i]!),
        memo,
        pending,
      );
      for (const [j, i] of run.entries()) results[i] = outcomes[j]!;
    } else results[order[k]!] = yield* storeOne(db, first, memo, pending);
    k = end;
  }
  yield* insertPending(db, pending);
  return results;
}

/** A commit that failed: whether anything was stored is unknown, so nothing is retried. */
class CommitFailed extends Error {
  constructor(readonly error: unknown) {
    super("commit failed");
  }
}

/** Events of one user stay in their order; users are taken in one order (PostgreSQL row locks). */
function lockOrder(writes: EventWrite[]) {
  const order = writes.map((_, i) => i);
  if (writes.length > 1) order.sort((a, b) => (writes[a]!.event.workspaceId < writes[b]!.event.workspaceId ? -1 : writes[a]!.event.workspaceId > writes[b]!.event.workspaceId ? 1 : a - b));
  return order;
}

/**
 * All `writes` in one transaction, each event's outcome in order. SQLite runs the statements
 * synchronously under Kysely's connection (ADR 0001); PostgreSQL awaits them in a Kysely
 * transaction. Throws when a statement fails (the transaction is rolled back), or
 * CommitFailed when the commit does.
 */
async function storeInOneTransaction(db: Db, writes: EventWrite[]): Promise<StoreEventResult[]> {
  const order = lockOrder(writes);
  let worked = false;
  try {
    const sync = syncSqliteTransaction(db);
    if (sync) {
      return await sync((run) => {
        const steps = storeGroup(db, writes, order);
        let step = steps.next();
        while (!step.done) step = steps.next(run(step.value) as never[]);
        worked = true;
        return step.value;
      });
    }
    return await db.transaction().execute(async (trx) => {
      const steps = storeGroup(db, writes, order);
      let step = steps.next();
      while (!step.done) step = steps.next((await executePrepared(trx, step.value)) as never[]);
      worked = true;
      return step.value;
    });
  } catch (error) {
    throw worked ? new CommitFailed(error) : error;
  }
}

/**
 * Stores events in one transaction (group commit): one commit for all of them, and each
 * event's own outcome in order — an event that fails (unknown category, quota used up,
 * Idempotency-Key replay) fails alone. Should a statement fail unexpectedly (say, a category
 * deleted meanwhile), the transaction is rolled back and each event is stored in a transaction
 * of its own, so only the event at fault gets the error. A failed commit fails them all, since
 * retrying could store an event twice.
 */
export async function storeEvents(db: Db, writes: EventWrite[]): Promise<(StoreEventResult | Error)[]> {
  try {
    return await storeInOneTransaction(db, writes);
  } catch (error) {
    if (error instanceof CommitFailed || writes.length === 1) return writes.map(() => asError(error instanceof CommitFailed ? error.error : error));
  }
  const results: (StoreEventResult | Error)[] = [];
  for (const w of writes) {
    try {
      results.push((await storeInOneTransaction(db, [w]))[0]!);
    } catch (error) {
      results.push(asError(error instanceof CommitFailed ? error.error : error));
    }
  }
  return results;
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

/**
 * An event PingPilot writes itself (a monitor's alert, ADR 0005), in the caller's transaction:
 * fanned out like an API event — the same targets query, one outbox row per channel and
 * recipient — but not counted against the monthly quota. Returns the channels it goes to.
 */
export async function insertSystemEvent(db: Db, event: Omit<NewEvent, "status">) {
  const targets = event.notify ? await enabledChannelsQuery(db, event.workspaceId, event.categoryId).execute() : [];
  await db
    .insertInto("event")
    .values({
      id: event.id,
      workspace_id: event.workspaceId,
      category_id: event.categoryId,
      description: event.description,
      fields: JSON.stringify(event.fields),
      tags: JSON.stringify(event.tags),
      notify: event.notify ? 1 : 0,
      status: targets.length ? "PENDING" : "STORED",
      occurred_at: event.occurredAt,
      created_at: event.createdAt,
    })
    .execute();
  if (targets.length) {
    const at = event.createdAt;
    await db
      .insertInto("delivery")
      .values(
        targets.map((t) => ({
          id: newId(),
          event_id: event.id,
          workspace_id: event.workspaceId,
          recipient_id: t.recipient_id,
          channel: t.channel,
          status: "PENDING" as const,
          attempts: 0,
          next_attempt_at: at,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
  }
  return channelNames(targets);
}

export type EventListFilter = { workspaceId: string; categoryId?: string; from?: string; to?: string; before?: { createdAt: string; id: string }; limit: number };

/** Newest first; `before` is the cursor (the last row of the previous page). Always scoped to the user. */
/** An event with its category's name, always scoped to its owner. */
const eventsOf = (db: Db, workspaceId: string) =>
  db
    .selectFrom("event")
    .innerJoin("category", "category.id", "event.category_id")
    .select(["event.id", "category.name as category", "event.description", "event.fields", "event.tags", "event.status", "event.notify", "event.occurred_at", "event.created_at"])
    .where("event.workspace_id", "=", workspaceId);

export function listEventsPage(db: Db, f: EventListFilter) {
  let q = eventsOf(db, f.workspaceId);
  if (f.categoryId) q = q.where("event.category_id", "=", f.categoryId);
  if (f.from) q = q.where("event.created_at", ">=", f.from);
  if (f.to) q = q.where("event.created_at", "<", f.to);
  const before = f.before;
  if (before) {
    q = q.where((eb) => eb.or([eb("event.created_at", "<", before.createdAt), eb.and([eb("event.created_at", "=", before.createdAt), eb("event.id", "<", before.id)])]));
  }
  // (created_at, id) descending: the order of the (category_id | workspace_id, created_at, id) indexes.
  return q.orderBy("event.created_at", "desc").orderBy("event.id", "desc").limit(f.limit).execute();
}

export function findEventById(db: Db, workspaceId: string, id: string) {
  return eventsOf(db, workspaceId).where("event.id", "=", id).executeTakeFirst();
}

/** Bulk insert of ready rows (the demo seed). */
export function insertEventRows(db: Db, rows: Insertable<EventTable>[]) {
  return db.insertInto("event").values(rows).execute();
}

/** After a bulk load: refresh PostgreSQL's planner statistics (autovacuum would, later). SQLite: nothing to do. */
export async function analyzeEvents(db: Db) {
  if (isPostgres(db)) await sql`analyze event`.execute(db);
}
