import type { Kysely } from "kysely";

/**
 * Time-ordered access per category and per user: range aggregates (counts, last ping, buckets,
 * sums) and newest-first pages ordered by (created_at, id), read straight off the index.
 */
export async function up(db: Kysely<any>) {
  await db.schema.createIndex("event_category_id_created_at_id_idx").on("event").columns(["category_id", "created_at", "id"]).execute();
  await db.schema.createIndex("event_user_id_created_at_id_idx").on("event").columns(["user_id", "created_at", "id"]).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropIndex("event_user_id_created_at_id_idx").execute();
  await db.schema.dropIndex("event_category_id_created_at_id_idx").execute();
}
