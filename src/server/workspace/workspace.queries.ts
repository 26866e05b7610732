import { sql } from "kysely";
import { isPostgres, type Db } from "@/server/db/db";
import type { Plan, WorkspaceRole } from "@/server/db/types";

const accessColumns = ["workspace.id", "workspace.name", "workspace.slug", "workspace.plan", "workspace_member.role", "workspace_member.user_id"] as const;

/** The user's membership of a workspace, by id or slug; undefined when not a member. */
export function findMembership(db: Db, userId: string, workspace: { id: string } | { slug: string }) {
  const q = db.selectFrom("workspace").innerJoin("workspace_member", "workspace_member.workspace_id", "workspace.id").select(accessColumns).where("workspace_member.user_id", "=", userId);
  return ("id" in workspace ? q.where("workspace.id", "=", workspace.id) : q.where("workspace.slug", "=", workspace.slug)).executeTakeFirst();
}

/** Every workspace of the user: the ones they own first, then by name. */
export function listMemberships(db: Db, userId: string) {
  return db
    .selectFrom("workspace")
    .innerJoin("workspace_member", "workspace_member.workspace_id", "workspace.id")
    .select(accessColumns)
    .where("workspace_member.user_id", "=", userId)
    .orderBy(sql`case when workspace_member.role = 'owner' then 0 else 1 end`)
    .orderBy("workspace_member.created_at")
    .orderBy("workspace.id")
    .execute();
}

export function insertWorkspace(db: Db, row: { id: string; name: string; slug: string; plan: Plan }, now: string) {
  return db
    .insertInto("workspace")
    .values({ ...row, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function slugTaken(db: Db, slug: string) {
  return db.selectFrom("workspace").select("id").where("slug", "=", slug).executeTakeFirst();
}

export function insertMember(db: Db, row: { workspaceId: string; userId: string; role: WorkspaceRole }, now: string) {
  return db
    .insertInto("workspace_member")
    .values({ workspace_id: row.workspaceId, user_id: row.userId, role: row.role, created_at: now })
    .onConflict((oc) => oc.columns(["workspace_id", "user_id"]).doNothing())
    .execute();
}

/** Serialises writes that check a count or a role (categories, keys, members) per workspace on PostgreSQL. */
export async function lockWorkspace(db: Db, workspaceId: string) {
  if (isPostgres(db)) await sql`select id from workspace where id = ${workspaceId} for update`.execute(db);
}

/** Workspaces the user owns: deleted with the account. */
export async function listOwnedWorkspaceIds(db: Db, userId: string) {
  const rows = await db.selectFrom("workspace_member").select("workspace_id").where("user_id", "=", userId).where("role", "=", "owner").execute();
  return rows.map((r) => r.workspace_id);
}

export function deleteWorkspaces(db: Db, ids: string[]) {
  if (!ids.length) return Promise.resolve();
  return db.deleteFrom("workspace").where("id", "in", ids).execute();
}

export async function renameWorkspaceRow(db: Db, id: string, name: string, now: string) {
  await db.updateTable("workspace").set({ name, updated_at: now }).where("id", "=", id).execute();
}

/** The members page: the owner first, then admins, then members, each by when they joined. */
export function listMembersOf(db: Db, workspaceId: string) {
  return db
    .selectFrom("workspace_member")
    .innerJoin("user", "user.id", "workspace_member.user_id")
    .select(["user.id", "user.name", "user.email", "workspace_member.role", "workspace_member.created_at"])
    .where("workspace_member.workspace_id", "=", workspaceId)
    .orderBy(sql`case workspace_member.role when 'owner' then 0 when 'admin' then 1 else 2 end`)
    .orderBy("workspace_member.created_at")
    .orderBy("user.id")
    .execute();
}

export async function findMemberRole(db: Db, workspaceId: string, userId: string) {
  const row = await db.selectFrom("workspace_member").select("role").where("workspace_id", "=", workspaceId).where("user_id", "=", userId).executeTakeFirst();
  return row?.role;
}

/** Whether someone with this address (any case) is already a member. */
export async function isMemberEmail(db: Db, workspaceId: string, email: string) {
  const row = await db
    .selectFrom("workspace_member")
    .innerJoin("user", "user.id", "workspace_member.user_id")
    .select("workspace_member.user_id")
    .where("workspace_member.workspace_id", "=", workspaceId)
    .where(sql`lower(${sql.ref("user.email")})`, "=", email.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

export async function updateMemberRole(db: Db, workspaceId: string, userId: string, role: WorkspaceRole) {
  await db.updateTable("workspace_member").set({ role }).where("workspace_id", "=", workspaceId).where("user_id", "=", userId).execute();
}

export async function deleteMember(db: Db, workspaceId: string, userId: string) {
  const result = await db.deleteFrom("workspace_member").where("workspace_id", "=", workspaceId).where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** The member's per-category opt-outs of this workspace's categories (their channels stay theirs). */
export function deleteMemberOptOuts(db: Db, workspaceId: string, userId: string) {
  return db
    .deleteFrom("channel_opt_out")
    .where("user_id", "=", userId)
    .where("category_id", "in", (eb) => eb.selectFrom("category").select("id").where("workspace_id", "=", workspaceId))
    .execute();
}

/** When the session was signed in (Better Auth's row; it never moves with the sliding refresh). */
export async function findSessionCreatedAt(db: Db, sessionId: string) {
  return (await db.selectFrom("auth_session").select("created_at").where("id", "=", sessionId).executeTakeFirst())?.created_at;
}
