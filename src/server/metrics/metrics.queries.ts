import type { Db } from "@/server/db/db";

/**
 * Read on every scrape, so each is one statement that index `delivery_due_idx`
 * (status, next_attempt_at) answers without reading the table's other rows.
 */

/** Unsent deliveries per status: waiting (PENDING, due or scheduled for a retry) and being sent (SENDING). */
export function countOutbox(db: Db) {
  return db
    .selectFrom("delivery")
    .select((eb) => ["status", eb.fn.countAll<number | string>().as("n")])
    .where("status", "in", ["PENDING", "SENDING"])
    .groupBy("status")
    .execute();
}

/** When the earliest pending delivery is (or was) due; undefined when none is pending. */
export async function earliestPendingDue(db: Db) {
  const row = await db
    .selectFrom("delivery")
    .select((eb) => eb.fn.min("next_attempt_at").as("due"))
    .where("status", "=", "PENDING")
    .executeTakeFirst();
  return row?.due ?? undefined;
}
