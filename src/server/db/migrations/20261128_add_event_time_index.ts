import type { Kysely } from "kysely";

/** Range queries of the dashboard (counts, last ping, buckets, sums) per category and time. */
export async function up(db: Kysely<any>) {
  await db.schema.createIndex("event_category_id_created_at_idx").on("event").columns(["category_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropIndex("event_category_id_created_at_idx").execute();
}
