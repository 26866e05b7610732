import { sql } from "kysely";
import { isPostgres, type Db } from "@/server/db/db";
import { newId } from "@/server/db/id";

export function insertApiKey(db: Db, row: { workspaceId: string; name: string; prefix: string; hash: string }, now: string) {
  return db
    .insertInto("api_key")
    .values({ id: newId(), workspace_id: row.workspaceId, name: row.name, prefix: row.prefix, key_hash: row.hash, created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Serializes key creation per user on PostgreSQL (SQLite has one writer), so the cap holds under concurrency. */
export async function lockWorkspaceForKeyWrite(db: Db, workspaceId: string) {
  if (isPostgres(db)) await sql`select id from workspace where id = ${workspaceId} for update`.execute(db);
}

export async function countActiveApiKeys(db: Db, workspaceId: string) {
  const row = await db
    .selectFrom("api_key")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("workspace_id", "=", workspaceId)
    .where("revoked_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function listApiKeysByWorkspace(db: Db, workspaceId: string) {
  return db.selectFrom("api_key").selectAll().where("workspace_id", "=", workspaceId).orderBy("id").execute();
}

export function findUnrevealedApiKey(db: Db, workspaceId: string) {
  return db.selectFrom("api_key").selectAll().where("workspace_id", "=", workspaceId).where("revealed_at", "is", null).where("revoked_at", "is", null).orderBy("id").executeTakeFirst();
}

/** Conditional on revealed_at IS NULL, so two concurrent reveals cannot both win. */
export async function updateApiKeySecretOnReveal(db: Db, id: string, next: { prefix: string; hash: string }, now: string) {
  const result = await db.updateTable("api_key").set({ prefix: next.prefix, key_hash: next.hash, revealed_at: now }).where("id", "=", id).where("revealed_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Lookup by the SHA-256 of the presented key: an index probe, no secret compared in JS.
 * `owner_suspended_at`: set when an operator suspended the workspace's owner (the key answers 403).
 */
export function findActiveApiKeyByHash(db: Db, hash: string) {
  return db
    .selectFrom("api_key")
    .innerJoin("workspace", "workspace.id", "api_key.workspace_id")
    .leftJoin("workspace_member as owner_member", (j) => j.onRef("owner_member.workspace_id", "=", "workspace.id").on("owner_member.role", "=", "owner"))
    .leftJoin("user as owner", "owner.id", "owner_member.user_id")
    .select(["api_key.id", "api_key.workspace_id", "workspace.plan", "owner.suspended_at as owner_suspended_at"])
    .where("api_key.key_hash", "=", hash)
    .where("api_key.revoked_at", "is", null)
    .executeTakeFirst();
}

export function updateApiKeyLastUsed(db: Db, id: string, at: string) {
  return db.updateTable("api_key").set({ last_used_at: at }).where("id", "=", id).execute();
}

/** Revokes only the user's own, still-active key; false when there is no such key. */
export async function updateApiKeyRevoked(db: Db, workspaceId: string, id: string, at: string) {
  const result = await db.updateTable("api_key").set({ revoked_at: at }).where("id", "=", id).where("workspace_id", "=", workspaceId).where("revoked_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function findApiKeyById(db: Db, workspaceId: string, id: string) {
  return db.selectFrom("api_key").selectAll().where("id", "=", id).where("workspace_id", "=", workspaceId).executeTakeFirst();
}
