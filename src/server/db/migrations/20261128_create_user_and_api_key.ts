import { sql, type Kysely } from "kysely";
import { columnTypes } from "../column-types";

export async function up(db: Kysely<any>) {
  const t = columnTypes(db);
  await db.schema
    .createTable("user")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    // The auth identity (auth_user.id). Not a foreign key: an interrupted account deletion
    // must leave a row that the next sign-up with that email can re-link (user.service).
    .addColumn("external_id", "text", (c) => c.notNull().unique())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("plan", "text", (c) => c.notNull().check(sql`plan in ('FREE', 'PRO', 'ENTERPRISE')`))
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("api_key")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("revealed_at", t.timestamp)
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("last_used_at", t.timestamp)
    .addColumn("revoked_at", t.timestamp)
    .execute();
  await db.schema.createIndex("api_key_user_id_idx").on("api_key").column("user_id").execute();
  await db.schema
    .createTable("dev_mail")
    .addColumn("id", t.serial, (c) => (t.isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text")
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ["dev_mail", "api_key", "user"]) await db.schema.dropTable(table).execute();
}
