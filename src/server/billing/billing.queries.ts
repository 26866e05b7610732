import { sql, type Updateable } from "kysely";
import { isPostgres, type Db } from "@/server/db/db";
import type { Plan, WorkspaceBillingTable } from "@/server/db/types";

const columns = [
  "workspace_id",
  "stripe_customer_id",
  "stripe_subscription_id",
  "subscription_plan",
  "status",
  "current_period_end",
  "cancel_at_period_end",
  "cancel_at",
  "payment_failed_at",
  "grace_until",
  "held_plan",
  "held_until",
  "review_at",
  "synced_at",
] as const;

export function findBillingByWorkspace(db: Db, workspaceId: string) {
  return db.selectFrom("workspace_billing").select(columns).where("workspace_id", "=", workspaceId).executeTakeFirst();
}

export function findBillingByCustomer(db: Db, customerId: string) {
  return db.selectFrom("workspace_billing").select(columns).where("stripe_customer_id", "=", customerId).executeTakeFirst();
}

export type BillingRow = NonNullable<Awaited<ReturnType<typeof findBillingByWorkspace>>>;

/** The workspace's Stripe customer, stored once: a concurrent checkout that stored one first keeps it. */
export function insertBillingCustomer(db: Db, row: { workspaceId: string; customerId: string }, now: string) {
  return db
    .insertInto("workspace_billing")
    .values({ workspace_id: row.workspaceId, stripe_customer_id: row.customerId, created_at: now, updated_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export type BillingStateUpdate = Omit<Updateable<WorkspaceBillingTable>, "workspace_id" | "stripe_customer_id" | "created_at">;

export function updateBillingState(db: Db, workspaceId: string, state: BillingStateUpdate, now: string) {
  return db
    .updateTable("workspace_billing")
    .set({ ...state, updated_at: now })
    .where("workspace_id", "=", workspaceId)
    .execute();
}

/** The effective plan everything reads, unless an operator set one (plan_override); true when it changed. */
export async function updateWorkspacePlan(db: Db, workspaceId: string, plan: Plan, now: string) {
  const result = await db.updateTable("workspace").set({ plan, updated_at: now }).where("id", "=", workspaceId).where("plan", "<>", plan).where("plan_override", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findStripeEvent(db: Db, id: string) {
  return db.selectFrom("stripe_event").select("id").where("id", "=", id).executeTakeFirst();
}

/**
 * Records a Stripe event as applied: true when this call inserted it, false when it was already
 * there. Run in the transaction that applies the event, so an event is applied exactly once
 * (on PostgreSQL a concurrent insert of the same id waits for the first to commit, then does nothing).
 */
export async function insertStripeEventOrNothing(db: Db, row: { id: string; type: string; workspaceId: string | null; createdAt: string }, now: string) {
  const result = await db
    .insertInto("stripe_event")
    .values({ id: row.id, type: row.type, workspace_id: row.workspaceId, created_at: row.createdAt, received_at: now })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Workspaces whose plan changes by the clock (period end after cancellation, grace expiry, a held plan), due by `nowIso`. */
export function listDueBilling(db: Db, nowIso: string, limit: number) {
  return db.selectFrom("workspace_billing").select(["workspace_id", "stripe_customer_id"]).where("review_at", "<=", nowIso).orderBy("review_at").limit(limit).execute();
}

/** Stripe retries an event for three days; ids older than this are not kept (a later replay re-reads the same state). */
export async function deleteStripeEventsBefore(db: Db, beforeIso: string) {
  const result = await db.deleteFrom("stripe_event").where("received_at", "<", beforeIso).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** What `withCustomerLock` hands its work: the database, and how to run the write transaction. */
export type CustomerLock = { db: Db; transaction: <R>(work: (trx: Db) => Promise<R>) => Promise<R> };

const queues = new WeakMap<Db, Map<string, Promise<void>>>();

/**
 * Runs `work` with one Stripe customer's billing to itself: reading the subscription from Stripe
 * and writing what was read never interleave with another event of the same customer, so the
 * last write is always of the latest read.
 *
 * PostgreSQL (any number of instances): one transaction holding a transaction-level advisory
 * lock on the customer; `work` runs inside it, Stripe call included (a webhook holds one pooled
 * connection for that long), and `transaction()` is that same transaction.
 *
 * SQLite (one process, one connection): a queue per customer in this process; `transaction()`
 * opens a short transaction of its own, so the single connection is never held across a
 * Stripe call (everything else — ingest included — would wait behind it).
 */
export async function withCustomerLock<T>(db: Db, customerId: string, work: (lock: CustomerLock) => Promise<T>): Promise<T> {
  if (isPostgres(db)) {
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`pingpilot.stripe-customer:${customerId}`}, 0))`.execute(trx);
      return work({ db: trx, transaction: (fn) => fn(trx) });
    });
  }
  let perDb = queues.get(db);
  if (!perDb) queues.set(db, (perDb = new Map()));
  const previous = perDb.get(customerId) ?? Promise.resolve();
  const run = previous.then(() => work({ db, transaction: (fn) => db.transaction().execute(fn) }));
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  perDb.set(customerId, settled);
  void settled.then(() => {
    if (perDb.get(customerId) === settled) perDb.delete(customerId);
  });
  return run;
}
