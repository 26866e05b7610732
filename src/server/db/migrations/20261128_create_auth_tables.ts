import type { Kysely } from "kysely";
import { columnTypes } from "../column-types";

/** Better Auth's tables, column for column what its schema check expects (see auth/auth.ts mapping). */
export async function up(db: Kysely<any>) {
  const t = columnTypes(db);
  await db.schema
    .createTable("auth_user")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("email_verified", t.bool, (c) => c.notNull())
    .addColumn("image", "text")
    .addColumn("created_at", t.authTimestamp, (c) => c.notNull())
    .addColumn("updated_at", t.authTimestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("auth_session")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("expires_at", t.authTimestamp, (c) => c.notNull())
    .addColumn("token", "text", (c) => c.notNull().unique())
    .addColumn("created_at", t.authTimestamp, (c) => c.notNull())
    .addColumn("updated_at", t.authTimestamp, (c) => c.notNull())
    .addColumn("ip_address", "text")
    .addColumn("user_agent", "text")
    .addColumn("user_id", "text", (c) => c.notNull().references("auth_user.id").onDelete("cascade"))
    .execute();
  await db.schema
    .createTable("auth_account")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("provider_id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("auth_user.id").onDelete("cascade"))
    .addColumn("access_token", "text")
    .addColumn("refresh_token", "text")
    .addColumn("id_token", "text")
    .addColumn("access_token_expires_at", t.authTimestamp)
    .addColumn("refresh_token_expires_at", t.authTimestamp)
    .addColumn("scope", "text")
    .addColumn("password", "text")
    .addColumn("created_at", t.authTimestamp, (c) => c.notNull())
    .addColumn("updated_at", t.authTimestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("auth_verification")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("identifier", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("expires_at", t.authTimestamp, (c) => c.notNull())
    .addColumn("created_at", t.authTimestamp, (c) => c.notNull())
    .addColumn("updated_at", t.authTimestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("auth_session_user_id_idx").on("auth_session").column("user_id").execute();
  await db.schema.createIndex("auth_account_user_id_idx").on("auth_account").column("user_id").execute();
  await db.schema.createIndex("auth_verification_identifier_idx").on("auth_verification").column("identifier").execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ["auth_verification", "auth_account", "auth_session", "auth_user"]) await db.schema.dropTable(table).execute();
}
