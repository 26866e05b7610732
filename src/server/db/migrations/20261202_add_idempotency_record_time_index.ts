import type { Kysely } from "kysely";

/**
 * Event retention deletes a plan's Idempotency-Key records older than its cutoff in batches:
 * one seek per user instead of a scan of every user's keys per batch.
 */
export async function up(db: Kysely<any>) {
  await db.schema.createIndex("idempotency_record_user_id_created_at_idx").on("idempotency_record").columns(["user_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropIndex("idempotency_record_user_id_created_at_idx").execute();
}
