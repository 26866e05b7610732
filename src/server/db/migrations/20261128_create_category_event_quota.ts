import { sql, type Kysely } from "kysely";
import { columnTypes } from "../column-types";

export async function up(db: Kysely<any>) {
  const t = columnTypes(db);
  await db.schema
    .createTable("category")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("color", "text", (c) => c.notNull())
    .addColumn("emoji", "text")
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .addUniqueConstraint("category_user_id_name_key", ["user_id", "name"])
    .execute();

  await db.schema
    .createTable("event")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("category_id", "text", (c) => c.notNull().references("category.id").onDelete("cascade"))
    .addColumn("description", "text", (c) => c.notNull())
    // JSON objects: jsonb on PostgreSQL (queried with jsonb functions), JSON text on SQLite (json_each).
    .addColumn("fields", t.json, (c) => c.notNull())
    .addColumn("tags", t.json, (c) => c.notNull())
    .addColumn("notify", t.bool, (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('PENDING', 'DELIVERED', 'PARTIAL', 'FAILED', 'STORED')`))
    .addColumn("occurred_at", t.timestamp, (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("quota_usage")
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    // Calendar month in UTC, "YYYY-MM".
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("used", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("quota_usage_pkey", ["user_id", "period"])
    .execute();

  await db.schema
    .createTable("idempotency_record")
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("response", "text", (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_record_pkey", ["user_id", "key"])
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ["idempotency_record", "quota_usage", "event", "category"]) await db.schema.dropTable(table).execute();
}
