import type { Db } from "@/server/db/db";

/**
 * Check-and-count in one statement: the row for (user, month) is created at 1 or incremented
 * only while under the limit. No row returned means the quota is used up. Same SQL on SQLite
 * (3.35+ upsert … returning) and PostgreSQL, where the conflicting row's lock serializes
 * concurrent increments, so there is no overshoot.
 */
export function incrementQuotaUsageQuery(db: Db, userId: string, period: string, limit: number) {
  return db
    .insertInto("quota_usage")
    .values({ user_id: userId, period, used: 1 })
    .onConflict((oc) =>
      oc
        .columns(["user_id", "period"])
        .doUpdateSet((eb) => ({ used: eb("quota_usage.used", "+", 1) }))
        .where("quota_usage.used", "<", limit),
    )
    .returning("used");
}

export async function findQuotaUsage(db: Db, userId: string, period: string) {
  const row = await db.selectFrom("quota_usage").select("used").where("user_id", "=", userId).where("period", "=", period).executeTakeFirst();
  return row?.used ?? 0;
}
