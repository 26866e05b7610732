import { sql, type Kysely } from "kysely";
import { columnTypes } from "../column-types";

/**
 * The API rate limit's token buckets and the auth throttle's windows, shared by every instance
 * on PostgreSQL (security/limits.postgres.ts). On SQLite the tables exist but stay empty: one
 * process serves everything and keeps these in memory.
 *
 * Times are epoch milliseconds of the services' clock (bigint), not timestamps: the statements
 * do arithmetic on them (a bucket refills by elapsed milliseconds) and nothing else reads them.
 * A row whose `expires_at` / `reset_at` has passed means the same as no row (a full bucket, no
 * window), so expired rows are deleted at any time.
 */
export async function up(db: Kysely<any>) {
  const t = columnTypes(db);
  await db.schema
    .createTable("rate_limit_bucket")
    .addColumn("key", "text", (c) => c.primaryKey().notNull())
    .addColumn("tokens", "double precision", (c) => c.notNull())
    // Whether the last request took a token: the statement's RETURNING sees only the new row.
    .addColumn("allowed", t.bool, (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    // When the bucket is full again.
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("throttle_window")
    .addColumn("key", "text", (c) => c.primaryKey().notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    // Whether the last attempt was counted (false: the key was at its limit).
    .addColumn("counted", t.bool, (c) => c.notNull())
    .addColumn("reset_at", "bigint", (c) => c.notNull())
    .execute();
  if (t.isPostgres) {
    // Every API request updates a bucket: unlogged skips the WAL write and its flush at each
    // commit. After a database crash the tables come back empty, which is what an application
    // restart does to the in-memory limits: every bucket full, every window open.
    await sql`alter table rate_limit_bucket set unlogged`.execute(db);
    await sql`alter table throttle_window set unlogged`.execute(db);
  }
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("throttle_window").execute();
  await db.schema.dropTable("rate_limit_bucket").execute();
}
