import { sql } from "kysely";
import type { Db } from "@/server/db/db";

/**
 * Check-and-count in one statement: the row for (user, month) is created at 1 or incremented
 * only while under the limit. No row returned means the quota is used up. Same SQL on SQLite
 * (3.35+ upsert … returning) and PostgreSQL, where the conflicting row's lock serializes
 * concurrent increments, so there is no overshoot.
 */
export function incrementQuotaUsageQuery(db: Db, workspaceId: string, period: string, limit: number) {
  return db
    .insertInto("quota_usage")
    .values({ workspace_id: workspaceId, period, used: 1 })
    .onConflict((oc) =>
      oc
        .columns(["workspace_id", "period"])
        .doUpdateSet((eb) => ({ used: eb("quota_usage.used", "+", 1) }))
        .where("quota_usage.used", "<", limit),
    )
    .returning("used");
}

/**
 * Check-and-count of several events at once, all or none: `count` (at most the limit) is added
 * only if the total stays within the limit. No row returned: they do not all fit (count them
 * one by one). Same SQL on SQLite and PostgreSQL.
 */
export function incrementQuotaUsageByQuery(db: Db, workspaceId: string, period: string, count: number, limit: number) {
  return db
    .insertInto("quota_usage")
    .values({ workspace_id: workspaceId, period, used: count })
    .onConflict((oc) => oc.columns(["workspace_id", "period"]).doUpdateSet({ used: sql<number>`quota_usage.used + excluded.used` }).where(sql<boolean>`quota_usage.used + excluded.used <= ${limit}`))
    .returning("used");
}

/**
 * Gives back one counted event, in the transaction that counted it: an event that turned out
 * to be a replay of an Idempotency-Key claimed meanwhile by a concurrent request (PostgreSQL).
 */
export function decrementQuotaUsageQuery(db: Db, workspaceId: string, period: string) {
  return db
    .updateTable("quota_usage")
    .set((eb) => ({ used: eb("quota_usage.used", "-", 1) }))
    .where("workspace_id", "=", workspaceId)
    .where("period", "=", period);
}

export async function findQuotaUsage(db: Db, workspaceId: string, period: string) {
  const row = await db.selectFrom("quota_usage").select("used").where("workspace_id", "=", workspaceId).where("period", "=", period).executeTakeFirst();
  return row?.used ?? 0;
}
