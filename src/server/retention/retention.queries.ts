import { sql } from "kysely";
import { isPostgres, type Db } from "@/server/db/db";
import type { Plan } from "@/shared/current-user";

/**
 * The SQL of event retention. Every statement touches at most one batch of rows, so on SQLite
 * (one writer, synchronous driver) the event loop and the ingest transaction never wait long
 * behind it. The same SQL runs on both dialects except the run lock (PostgreSQL only).
 */

/** A delivery in these states still has a notification to send: its event is never deleted. */
const UNSENT = ["PENDING", "SENDING"] as const;

/**
 * Up to `limit` events of workspaces on `plans` accepted before `cutoff`, except those with an unsent
 * delivery. Workspaces drive the join: one seek per workspace on event (workspace_id, created_at, id), so the
 * cost follows the plan's workspaces and the expired rows, not the table's size, and needs no sort.
 */
export async function findExpiredEvents(db: Db, r: { plans: Plan[]; cutoff: string; limit: number }) {
  const rows = await db
    .selectFrom("workspace")
    .innerJoin("event", "event.workspace_id", "workspace.id")
    .select(["event.id", "event.category_id", "event.created_at"])
    .where("workspace.plan", "in", r.plans)
    .where("event.created_at", "<", r.cutoff)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("delivery").select("delivery.id").whereRef("delivery.event_id", "=", "event.id").where("delivery.status", "in", UNSENT))))
    .limit(r.limit)
    .execute();
  return rows;
}

/**
 * Deletes these events; their deliveries and delivery attempts go with them (ON DELETE CASCADE,
 * in the same statement). The unsent-delivery check is repeated here, inside the delete, so a
 * delivery put back to PENDING since the ids were read still protects its event.
 */
export async function deleteEvents(db: Db, ids: string[]) {
  if (!ids.length) return 0;
  const remove = async (trx: Db) => {
    const result = await trx
      .deleteFrom("event")
      .where("event.id", "in", ids)
      .where((eb) => eb.not(eb.exists(eb.selectFrom("delivery").select("delivery.id").whereRef("delivery.event_id", "=", "event.id").where("delivery.status", "in", UNSENT))))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  };
  if (!isPostgres(db)) return remove(db);
  // PostgreSQL: a "Retry now" (FAILED → PENDING) committing while the DELETE runs would not be
  // seen by its snapshot, and the cascade would take the retried delivery with the event. Lock
  // the deliveries first: a retry in flight is waited for, and the DELETE (a new statement, so
  // a new snapshot) sees it; a retry after the lock waits and then finds its delivery gone.
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom("delivery").select("id").where("event_id", "in", ids).forUpdate().execute();
    return remove(trx);
  });
}

/**
 * Deletes up to `limit` Idempotency-Key records of workspaces on `plans` written before `cutoff` (they
 * name events that are gone; a key replays for 24 hours only). Row values select the batch on
 * both dialects; index idempotency_record (workspace_id, created_at) makes it one seek per workspace.
 */
export async function deleteExpiredIdempotencyRecords(db: Db, r: { plans: Plan[]; cutoff: string; limit: number }) {
  const { rows, numAffectedRows } = await sql`
    delete from idempotency_record where (workspace_id, key) in (
      select r.workspace_id, r.key from workspace w join idempotency_record r on r.workspace_id = w.id
      where w.plan in (${sql.join(r.plans)}) and r.created_at < ${r.cutoff}
      limit ${r.limit})`.execute(db);
  return Number(numAffectedRows ?? rows.length);
}

/**
 * PostgreSQL: one retention run at a time across every worker (an advisory lock taken on one
 * pooled connection for the whole run and released at its end, or with the connection if the
 * process dies). Returns undefined when another worker holds it. SQLite has one writer process,
 * so the run simply goes on `db`.
 */
export async function withRetentionLock<T>(db: Db, run: (db: Db) => Promise<T>): Promise<T | undefined> {
  if (!isPostgres(db)) return run(db);
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext('pingpilot.event_retention')) as locked`.execute(conn);
    if (!rows[0]?.locked) return undefined;
    try {
      return await run(conn);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('pingpilot.event_retention'))`.execute(conn);
    }
  });
}
