import { sql } from "kysely";
import { isPostgres, type Db } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { DeliveryStatus, EventStatus } from "@/server/db/types";

/**
 * Claims up to `limit` due deliveries for one worker: pending ones whose time has come, and
 * sending ones whose lease ran out (their worker died). Each claimed row gets a lease.
 * PostgreSQL: `for update skip locked`, so concurrent workers never claim the same row.
 * SQLite: one writer process; the select and update run in one transaction.
 */
export async function claimDueDeliveries(db: Db, worker: string, now: string, leaseUntil: string, limit: number) {
  const due = (q: Db) =>
    q
      .selectFrom("delivery")
      .select("id")
      .where((eb) => eb.or([eb.and([eb("status", "=", "PENDING"), eb("next_attempt_at", "<=", now)]), eb.and([eb("status", "=", "SENDING"), eb("lease_until", "<", now)])]))
      .orderBy("next_attempt_at")
      .limit(limit);

  if (isPostgres(db)) {
    const { rows } = await sql<{ id: string; event_id: string; workspace_id: string; recipient_id: string | null; channel: string; attempts: number }>`
      update delivery set status = 'SENDING', lease_until = ${leaseUntil}, claimed_by = ${worker}, updated_at = ${now}
      where id in (${due(db).forUpdate().skipLocked()})
      returning id, event_id, workspace_id, recipient_id, channel, attempts`.execute(db);
    return rows;
  }
  return db.transaction().execute(async (trx) => {
    const ids = (await due(trx).execute()).map((r) => r.id);
    if (!ids.length) return [];
    return trx
      .updateTable("delivery")
      .set({ status: "SENDING", lease_until: leaseUntil, claimed_by: worker, updated_at: now })
      .where("id", "in", ids)
      .returning(["id", "event_id", "workspace_id", "recipient_id", "channel", "attempts"])
      .execute();
  });
}

export function insertAttempt(db: Db, a: { deliveryId: string; attempt: number; outcome: string; statusCode?: number; error?: string; durationMs: number; startedAt: string }) {
  return db
    .insertInto("delivery_attempt")
    .values({
      id: newId(),
      delivery_id: a.deliveryId,
      attempt: a.attempt,
      outcome: a.outcome,
      status_code: a.statusCode ?? null,
      error: a.error ?? null,
      duration_ms: a.durationMs,
      started_at: a.startedAt,
    })
    .execute();
}

/** The result of one attempt; only the lease holder (status SENDING) may write it. */
export function updateDeliveryAfterAttempt(
  db: Db,
  id: string,
  next: { status: DeliveryStatus; attempts: number; nextAttemptAt?: string; lastError?: string | null; lastStatusCode?: number | null; deliveredAt?: string },
  now: string,
) {
  return db
    .updateTable("delivery")
    .set({
      status: next.status,
      attempts: next.attempts,
      lease_until: null,
      last_error: next.lastError ?? null,
      last_status_code: next.lastStatusCode ?? null,
      updated_at: now,
      ...(next.nextAttemptAt ? { next_attempt_at: next.nextAttemptAt } : {}),
      ...(next.deliveredAt ? { delivered_at: next.deliveredAt } : {}),
    })
    .where("id", "=", id)
    .where("status", "=", "SENDING")
    .execute();
}

/** What the worker needs to render one delivery: the event, its category, the channel config. */
export function findDeliveryContext(db: Db, deliveryId: string) {
  return db
    .selectFrom("delivery")
    .innerJoin("event", "event.id", "delivery.event_id")
    .innerJoin("category", "category.id", "event.category_id")
    .innerJoin("workspace", "workspace.id", "delivery.workspace_id")
    .leftJoin("workspace_member", (join) => join.onRef("workspace_member.workspace_id", "=", "delivery.workspace_id").onRef("workspace_member.user_id", "=", "delivery.recipient_id"))
    .leftJoin("user", "user.id", "delivery.recipient_id")
    .leftJoin("auth_user", "auth_user.id", "user.external_id")
    .leftJoin("notification_channel", (join) => join.onRef("notification_channel.user_id", "=", "delivery.recipient_id").onRef("notification_channel.channel", "=", "delivery.channel"))
    .leftJoin("workspace_destination", (join) =>
      join.onRef("workspace_destination.workspace_id", "=", "delivery.workspace_id").onRef("workspace_destination.channel", "=", "delivery.channel").on("delivery.recipient_id", "is", null),
    )
    .select((eb) => [
      "delivery.id",
      "delivery.channel",
      "delivery.workspace_id",
      "delivery.recipient_id",
      "workspace_member.role as recipient_role",
      "workspace.slug as workspace_slug",
      "event.id as event_id",
      "event.description",
      "event.fields",
      "event.tags",
      "event.occurred_at",
      "event.created_at",
      "category.name as category_name",
      "category.emoji as category_emoji",
      "category.color as category_color",
      eb.fn.coalesce("notification_channel.config", "workspace_destination.config").as("channel_config"),
      "auth_user.email as email",
      "auth_user.email_verified as email_verified",
    ])
    .where("delivery.id", "=", deliveryId)
    .executeTakeFirst();
}

/**
 * The event's status from its deliveries: all delivered, all failed, some of each, or still
 * going. Channels finish in parallel, so on PostgreSQL the event row is locked first: the
 * roll-ups of one event run one after another, and the last one reads every committed
 * delivery (without the lock, two could read before each other's commit and the last write
 * would be stale). SQLite runs one transaction at a time anyway.
 */
export async function updateEventStatusFromDeliveries(db: Db, eventId: string) {
  return db.transaction().execute(async (trx) => {
    if (isPostgres(trx)) await sql`select id from event where id = ${eventId} for update`.execute(trx);
    const rows = await trx.selectFrom("delivery").select("status").where("event_id", "=", eventId).execute();
    const statuses = rows.map((r) => r.status);
    let status: EventStatus;
    if (!statuses.length) status = "STORED";
    else if (statuses.some((s) => s === "PENDING" || s === "SENDING")) status = "PENDING";
    else if (statuses.every((s) => s === "DELIVERED")) status = "DELIVERED";
    else if (statuses.every((s) => s === "FAILED")) status = "FAILED";
    else status = "PARTIAL";
    await trx.updateTable("event").set({ status }).where("id", "=", eventId).execute();
    return status;
  });
}

export function listDeliveriesOfEvent(db: Db, eventId: string) {
  return db.selectFrom("delivery").selectAll().where("event_id", "=", eventId).orderBy("channel").execute();
}

/** "Retry now" for a failed delivery of the workspace's event. */
export async function updateDeliveryForRetry(db: Db, workspaceId: string, deliveryId: string, now: string) {
  const result = await db
    .updateTable("delivery")
    .set({ status: "PENDING", next_attempt_at: now, updated_at: now })
    .where("id", "=", deliveryId)
    .where("workspace_id", "=", workspaceId)
    .where("status", "=", "FAILED")
    .returning("event_id")
    .executeTakeFirst();
  return result?.event_id;
}

/** Channel and status of every delivery of these events, for the events table (one query per page). */
export function listDeliveryStatuses(db: Db, eventIds: string[]) {
  if (!eventIds.length) return Promise.resolve([]);
  return db.selectFrom("delivery").select(["event_id", "channel", "status"]).where("event_id", "in", eventIds).orderBy("channel").execute();
}

/**
 * A removed member gets nothing more: their waiting deliveries of the workspace's events go, in
 * the removal's transaction. One being sent right now is left to its worker, which refuses to
 * try it again (the recipient is no longer a member). Returns the events whose status to recompute.
 */
export async function deletePendingDeliveriesOfRecipient(db: Db, workspaceId: string, recipientId: string) {
  const rows = await db.deleteFrom("delivery").where("workspace_id", "=", workspaceId).where("recipient_id", "=", recipientId).where("status", "=", "PENDING").returning("event_id").execute();
  return [...new Set(rows.map((r) => r.event_id))];
}
