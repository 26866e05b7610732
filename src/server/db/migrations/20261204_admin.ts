import { sql, type Kysely } from "kysely";
import { columnTypes } from "../column-types";

/**
 * Operators (ADMIN_EMAILS) at /admin and `npm run admin`:
 *
 * - `user.suspended_at`: set while an operator has suspended the account (sign-in refused,
 *   sessions gone, the API keys of the workspaces it owns answer 403 ACCOUNT_SUSPENDED).
 * - `user.last_sign_in_at`: stamped when a session is created; filled from the newest live
 *   session for accounts that exist already (older sign-ins left no trace).
 * - `workspace.plan_override`: a plan an operator set; billing (webhooks, the period-end sweep)
 *   leaves such a workspace's plan alone.
 * - `admin_audit`: every operator action, who (an operator's email, or "cli"), what, on which
 *   target, when and with which details (JSON). The actor and target are kept as text, so the
 *   log outlives the accounts and workspaces it names.
 */
export async function up(db: Kysely<any>) {
  const t = columnTypes(db);
  await db.schema.alterTable("user").addColumn("suspended_at", t.timestamp).execute();
  await db.schema.alterTable("user").addColumn("last_sign_in_at", t.timestamp).execute();
  await db.schema
    .alterTable("workspace")
    .addColumn("plan_override", "text", (c) => c.check(sql`plan_override in ('FREE', 'PRO', 'ENTERPRISE')`))
    .execute();
  // Better Auth keeps its dates as timestamptz (PostgreSQL) or ISO-8601 text (SQLite): the same
  // types and format as ours, so they copy as they are.
  await sql`update ${sql.table("user")} set last_sign_in_at = (select max(s.created_at) from auth_session s where s.user_id = ${sql.ref("user.external_id")})`.execute(db);

  await db.schema
    .createTable("admin_audit")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("actor_user_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull().check(sql`target_type in ('user', 'workspace')`))
    .addColumn("target_id", "text", (c) => c.notNull())
    .addColumn("target_label", "text", (c) => c.notNull())
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("admin_audit_created_at_idx").on("admin_audit").columns(["created_at", "id"]).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("admin_audit").execute();
  await db.schema.alterTable("workspace").dropColumn("plan_override").execute();
  await db.schema.alterTable("user").dropColumn("last_sign_in_at").execute();
  await db.schema.alterTable("user").dropColumn("suspended_at").execute();
}
