import { sql, type Kysely } from "kysely";
import { columnTypes } from "../column-types";

/** The tables a workspace owns; each had `user_id` referencing `user` and gets `workspace_id` referencing `workspace`. */
const OWNED_TABLES = ["api_key", "category", "event", "quota_usage", "idempotency_record"] as const;
/** Channels that are a place, not a person: they move from the user's channels to the workspace's destinations. */
const DESTINATION_CHANNELS = ["discord_webhook", "slack", "webhook"];

/**
 * Workspaces own the data (docs/adr/0004-workspaces-own-the-data.md).
 *
 * Every existing user gets a personal workspace **with the user's own id**, so the owning key of
 * every row keeps its value: the migration renames `user_id` to `workspace_id` and points the
 * foreign key at `workspace`, and copies no tenant data between keys. The user becomes the owner.
 * Slack, Discord webhook and signed webhook settings (and their per-category opt-outs) move to the
 * workspace's destinations; each pending delivery keeps its recipient for personal channels.
 *
 * Rollback: back up before upgrading, and restore that backup to go back. SQLite: stop the server
 * (and worker), then `cp pingpilot.db pingpilot.db.bak` (with its -wal/-shm files, if any), or run
 * `sqlite3 pingpilot.db ".backup pingpilot.db.bak"` while it runs; to roll back, stop the server,
 * put the copy back and start the previous release. PostgreSQL: `pg_dump -Fc -f pingpilot.dump
 * "$DATABASE_URL"` before the upgrade; to roll back, stop the servers, drop and recreate the
 * database (`dropdb`, `createdb`: the new tables are not in the dump) and `pg_restore -d
 * "$DATABASE_URL" pingpilot.dump`. Anything written after the upgrade is lost with the restore.
 * No down migration is offered: once people share workspaces, going back would mean merging each
 * team workspace (its members, keys, categories, events, destinations) back into one user, which
 * has no faithful answer. A failed upgrade needs no rollback: the migration runs in one
 * transaction on both dialects and leaves the database as it was.
 */
export async function up(db: Kysely<any>) {
  // PostgreSQL: Kysely's migrator runs each migration in its own transaction (transactional DDL).
  if (columnTypes(db).isPostgres) return migrate(db);
  // SQLite: Kysely runs migrations outside a transaction, so this one opens its own around every
  // step (a failure leaves the file as it was, and the next start retries) after turning foreign
  // keys off, which SQLite ignores inside a transaction (see rebuildSqliteTables).
  const foreignKeys = async () => (await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys;
  const wasOn = (await foreignKeys()) === 1;
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    // With foreign keys on, dropping `category` during the rebuild would cascade-delete every event.
    if ((await foreignKeys()) !== 0) throw new Error("the workspace migration needs foreign keys off, and SQLite refused (inside a transaction?)");
    await db.transaction().execute(async (trx) => {
      await migrate(trx);
      const broken = (await sql`pragma foreign_key_check`.execute(trx)).rows;
      if (broken.length > 0) throw new Error(`foreign key check failed after the workspace migration: ${JSON.stringify(broken.slice(0, 5))}`);
    });
  } finally {
    if (wasOn) await sql`pragma foreign_keys = on`.execute(db);
  }
}

async function migrate(db: Kysely<any>) {
  const t = columnTypes(db);
  await db.schema
    .createTable("workspace")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("plan", "text", (c) => c.notNull().check(sql`plan in ('FREE', 'PRO', 'ENTERPRISE')`))
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("workspace_member")
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspace.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('owner', 'admin', 'member')`))
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint("workspace_member_pkey", ["workspace_id", "user_id"])
    .execute();
  await db.schema.createIndex("workspace_member_user_id_idx").on("workspace_member").column("user_id").execute();
  await db.schema
    .createTable("workspace_invitation")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspace.id").onDelete("cascade"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'member')`))
    // SHA-256 of the token mailed in the link; the token itself is never stored.
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("invited_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("expires_at", t.timestamp, (c) => c.notNull())
    .addColumn("accepted_at", t.timestamp)
    .addColumn("revoked_at", t.timestamp)
    .execute();
  await db.schema.createIndex("workspace_invitation_workspace_id_idx").on("workspace_invitation").columns(["workspace_id", "created_at"]).execute();
  await db.schema
    .createTable("workspace_destination")
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspace.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("enabled", t.bool, (c) => c.notNull())
    .addColumn("config", "text", (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint("workspace_destination_pkey", ["workspace_id", "channel"])
    .execute();
  await db.schema
    .createTable("destination_opt_out")
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspace.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("category_id", "text", (c) => c.notNull().references("category.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("destination_opt_out_pkey", ["workspace_id", "channel", "category_id"])
    .execute();

  // One personal workspace per user, with the user's id, plan and a unique slug. Its times are
  // the user's (it holds what the user row held), so the migration reads no clock.
  const users = (await db.selectFrom("user").select(["id", "name", "email", "plan", "created_at", "updated_at"]).execute()) as {
    id: string;
    name: string;
    email: string;
    plan: string;
    created_at: string | Date;
    updated_at: string | Date;
  }[];
  const iso = (v: string | Date) => (v instanceof Date ? v.toISOString() : v);
  const slugs = new Set<string>();
  for (let i = 0; i < users.length; i += 500) {
    const batch = users.slice(i, i + 500);
    await db
      .insertInto("workspace")
      .values(batch.map((u) => ({ id: u.id, name: personalWorkspaceName(u.name, u.email), slug: migratedSlug(u, slugs), plan: u.plan, created_at: iso(u.created_at), updated_at: iso(u.updated_at) })))
      .execute();
    await db
      .insertInto("workspace_member")
      .values(batch.map((u) => ({ workspace_id: u.id, user_id: u.id, role: "owner", created_at: iso(u.created_at) })))
      .execute();
  }

  await sql`insert into workspace_destination (workspace_id, channel, enabled, config, created_at, updated_at)
    select user_id, channel, enabled, config, created_at, updated_at from notification_channel where channel in (${sql.join(DESTINATION_CHANNELS)})`.execute(db);
  await sql`insert into destination_opt_out (workspace_id, channel, category_id)
    select user_id, channel, category_id from channel_opt_out where channel in (${sql.join(DESTINATION_CHANNELS)})`.execute(db);
  await db.deleteFrom("channel_opt_out").where("channel", "in", DESTINATION_CHANNELS).execute();
  await db.deleteFrom("notification_channel").where("channel", "in", DESTINATION_CHANNELS).execute();

  // Deliveries: the workspace that owns the event, and the member a personal channel's row is for.
  await sql`alter table delivery rename column user_id to workspace_id`.execute(db);
  await db.schema.alterTable("delivery").addColumn("recipient_id", "text").execute();
  await db.updateTable("delivery").set({ recipient_id: sql`workspace_id` }).where("channel", "not in", DESTINATION_CHANNELS).execute();

  if (t.isPostgres) {
    for (const table of OWNED_TABLES) {
      await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_user_id_fkey`)}`.execute(db);
      await sql`alter table ${sql.table(table)} rename column user_id to workspace_id`.execute(db);
      await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_workspace_id_fkey`)}
        foreign key (workspace_id) references workspace (id) on delete cascade`.execute(db);
    }
    await renameIndexes(db);
  } else {
    await rebuildSqliteTables(db);
  }
  await db.schema.alterTable("user").dropColumn("plan").execute();
}

const personalWorkspaceName = (name: string, email: string) => `${name.trim() || email.split("@")[0]}'s workspace`;

/**
 * "ada-lovelace-3f9k2a0c": readable, and unique because the id's tail almost always is; `taken`
 * (the slugs given so far) settles the rare tie with the whole id, then a counter.
 */
function migratedSlug(user: { id: string; name: string; email: string }, taken: Set<string>) {
  const slugify = (text: string) =>
    text
      .normalize("NFKD")
      // "Zoë" → "zoe", not "zo-e": NFKD splits the accent off as a combining mark.
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
  const base =
    slugify(user.name.trim() || user.email.split("@")[0] || "")
      .slice(0, 40)
      .replace(/-+$/, "") || "workspace";
  const id = slugify(user.id) || "x";
  let slug = `${base}-${id.slice(-8).replace(/^-+/, "")}`;
  if (taken.has(slug)) slug = `${base}-${id}`;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${id}-${n}`;
  taken.add(slug);
  return slug;
}

const renamedIndexes = [
  ["api_key_user_id_idx", "api_key_workspace_id_idx"],
  ["event_user_id_created_at_id_idx", "event_workspace_id_created_at_id_idx"],
  ["idempotency_record_user_id_created_at_idx", "idempotency_record_workspace_id_created_at_idx"],
] as const;

async function renameIndexes(db: Kysely<any>) {
  for (const [from, to] of renamedIndexes) await sql`alter index ${sql.id(from)} rename to ${sql.id(to)}`.execute(db);
  await sql`alter table category rename constraint category_user_id_name_key to category_workspace_id_name_key`.execute(db);
}

/**
 * SQLite cannot re-point a foreign key in place: each owned table is rebuilt the way SQLite's
 * documentation prescribes (ALTER TABLE, "Making Other Kinds Of Table Schema Changes"): with
 * foreign keys off, create the new table from the old definition with `user_id` renamed and the
 * reference moved to `workspace`, copy the rows, drop the old table, rename the new one, recreate
 * its indexes, and check every foreign key before committing. `up` turns foreign keys off before
 * its transaction (the pragma is a no-op inside one), runs this inside it, and checks the keys.
 */
async function rebuildSqliteTables(trx: Kysely<any>) {
  const rename = (text: string) => text.replaceAll("user_id", "workspace_id").replaceAll('references "user"', 'references "workspace"');
  for (const table of OWNED_TABLES) {
    const schema = (await sql<{ type: string; sql: string | null }>`select type, sql from sqlite_master where tbl_name = ${table}`.execute(trx)).rows;
    const create = schema.find((s) => s.type === "table")?.sql;
    if (!create) throw new Error(`table ${table} not found`);
    const indexes = schema.filter((s) => s.type === "index" && s.sql).map((s) => s.sql as string);
    const temporary = `${table}__rebuild`;
    await sql.raw(rename(create).replace(`CREATE TABLE "${table}"`, `CREATE TABLE "${temporary}"`).replace(`create table "${table}"`, `create table "${temporary}"`)).execute(trx);
    await sql`insert into ${sql.table(temporary)} select * from ${sql.table(table)}`.execute(trx);
    await sql`drop table ${sql.table(table)}`.execute(trx);
    await sql`alter table ${sql.table(temporary)} rename to ${sql.table(table)}`.execute(trx);
    for (const index of indexes) await sql.raw(rename(index)).execute(trx);
  }
}
