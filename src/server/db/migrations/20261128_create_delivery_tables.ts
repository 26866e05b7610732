import { sql, type Kysely } from "kysely";
import { columnTypes } from "../column-types";

export async function up(db: Kysely<any>) {
  const t = columnTypes(db);
  await db.schema
    .createTable("notification_channel")
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("enabled", t.bool, (c) => c.notNull())
    .addColumn("config", "text", (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint("notification_channel_pkey", ["user_id", "channel"])
    .execute();

  await db.schema
    .createTable("channel_opt_out")
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("category_id", "text", (c) => c.notNull().references("category.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("channel_opt_out_pkey", ["user_id", "channel", "category_id"])
    .execute();

  // The outbox: one row per (event, channel), written in the event's transaction.
  await db.schema
    .createTable("delivery")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("event_id", "text", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('PENDING', 'SENDING', 'DELIVERED', 'FAILED')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", t.timestamp, (c) => c.notNull())
    // A claimed delivery belongs to one worker until this time; after a crash it becomes due again.
    .addColumn("lease_until", t.timestamp)
    // Which worker (host:pid) holds or last held the lease: for operators, and for the scale-out test.
    .addColumn("claimed_by", "text")
    .addColumn("last_error", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("delivered_at", t.timestamp)
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("delivery_due_idx").on("delivery").columns(["status", "next_attempt_at"]).execute();
  await db.schema.createIndex("delivery_event_id_idx").on("delivery").column("event_id").execute();

  await db.schema
    .createTable("delivery_attempt")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("delivery_id", "text", (c) => c.notNull().references("delivery.id").onDelete("cascade"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("error", "text")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("started_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("delivery_attempt_delivery_id_idx").on("delivery_attempt").column("delivery_id").execute();

  await db.schema
    .createTable("telegram_link")
    .addColumn("code_hash", "text", (c) => c.primaryKey().notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("expires_at", t.timestamp, (c) => c.notNull())
    .addColumn("used_at", t.timestamp)
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ["telegram_link", "delivery_attempt", "delivery", "channel_opt_out", "notification_channel"]) await db.schema.dropTable(table).execute();
}
