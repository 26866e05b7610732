import { sql, type Expression, type SqlBool } from "kysely";
import { isPostgres, type Db } from "@/server/db/db";
import type { AdminAuditTable, Plan } from "@/server/db/types";

/** `%text%` for LIKE, with the wildcards of the text itself escaped (matched by `escape '\'`). */
const containsPattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** lower(column) contains the search text, on both dialects (PostgreSQL's LIKE is case-sensitive). */
const contains = (column: string, pattern: string): Expression<SqlBool> => sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;

const count = (row: { n: number | string | bigint } | undefined) => Number(row?.n ?? 0);

// ── users ───────────────────────────────────────────────────────────────────

function usersQuery(db: Db, search: string | undefined) {
  let q = db.selectFrom("user").leftJoin("auth_user", "auth_user.id", "user.external_id");
  if (search) {
    const pattern = containsPattern(search);
    q = q.where((eb) => eb.or([contains("user.email", pattern), contains("user.name", pattern)]));
  }
  return q;
}

export async function countUsers(db: Db, search: string | undefined) {
  return count(
    await usersQuery(db, search)
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirst(),
  );
}

/** A page of accounts, newest first. */
export function listUsersPage(db: Db, search: string | undefined, page: { limit: number; offset: number }) {
  return usersQuery(db, search)
    .select(["user.id", "user.email", "user.name", "user.created_at", "user.last_sign_in_at", "user.suspended_at", "auth_user.email_verified"])
    .orderBy("user.created_at", "desc")
    .orderBy("user.id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/** The workspaces these users own, each with this period's usage. */
export function listOwnedWorkspacesOf(db: Db, userIds: string[], period: string) {
  if (!userIds.length) return Promise.resolve([]);
  return db
    .selectFrom("workspace_member")
    .innerJoin("workspace", "workspace.id", "workspace_member.workspace_id")
    .leftJoin("quota_usage", (j) => j.onRef("quota_usage.workspace_id", "=", "workspace.id").on("quota_usage.period", "=", period))
    .select(["workspace_member.user_id", "workspace.id", "workspace.name", "workspace.slug", "workspace.plan", "quota_usage.used"])
    .where("workspace_member.user_id", "in", userIds)
    .where("workspace_member.role", "=", "owner")
    .orderBy("workspace.created_at")
    .orderBy("workspace.id")
    .execute();
}

// ── workspaces ──────────────────────────────────────────────────────────────

function workspacesQuery(db: Db, search: string | undefined) {
  let q = db
    .selectFrom("workspace")
    .leftJoin("workspace_member as owner_member", (j) => j.onRef("owner_member.workspace_id", "=", "workspace.id").on("owner_member.role", "=", "owner"))
    .leftJoin("user as owner", "owner.id", "owner_member.user_id");
  if (search) {
    const pattern = containsPattern(search);
    q = q.where((eb) => eb.or([contains("workspace.name", pattern), contains("workspace.slug", pattern), contains("owner.email", pattern)]));
  }
  return q;
}

export async function countWorkspaces(db: Db, search: string | undefined) {
  return count(
    await workspacesQuery(db, search)
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirst(),
  );
}

/** A page of workspaces, newest first, with owner, member count, this period's usage and the latest sign-in of a member. */
export function listWorkspacesPage(db: Db, search: string | undefined, period: string, page: { limit: number; offset: number }) {
  return workspacesQuery(db, search)
    .leftJoin("quota_usage", (j) => j.onRef("quota_usage.workspace_id", "=", "workspace.id").on("quota_usage.period", "=", period))
    .select((eb) => [
      "workspace.id",
      "workspace.name",
      "workspace.slug",
      "workspace.plan",
      "workspace.created_at",
      "quota_usage.used",
      "owner.id as owner_id",
      "owner.email as owner_email",
      "owner.suspended_at as owner_suspended_at",
      eb
        .selectFrom("workspace_member as m")
        .select((e) => e.fn.countAll<number | string>().as("n"))
        .whereRef("m.workspace_id", "=", "workspace.id")
        .as("members"),
      eb
        .selectFrom("workspace_member as m")
        .innerJoin("user as u", "u.id", "m.user_id")
        .select((e) => e.fn.max("u.last_sign_in_at").as("last"))
        .whereRef("m.workspace_id", "=", "workspace.id")
        .as("last_sign_in_at"),
    ])
    .orderBy("workspace.created_at", "desc")
    .orderBy("workspace.id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

// ── instance health ─────────────────────────────────────────────────────────

/**
 * Events accepted since `since`. The workspaces drive a join into event (workspace_id,
 * created_at, id): one index range per workspace instead of a scan of every event.
 */
export async function countEventsSince(db: Db, since: string) {
  return count(
    await db
      .selectFrom("workspace")
      .innerJoin("event", (j) => j.onRef("event.workspace_id", "=", "workspace.id").on("event.created_at", ">=", since))
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirst(),
  );
}

/**
 * Per channel: deliveries not yet sent (PENDING or SENDING), those of them that failed at least
 * once and wait for a retry, and those that gave up since `failedSince`. Off the (status,
 * next_attempt_at) index.
 */
export function deliveryHealthByChannel(db: Db, failedSince: string) {
  return db
    .selectFrom("delivery")
    .select((eb) => [
      "channel",
      eb.fn.sum<number | string>(sql`case when status in ('PENDING', 'SENDING') then 1 else 0 end`).as("pending"),
      eb.fn.sum<number | string>(sql`case when status in ('PENDING', 'SENDING') and attempts > 0 then 1 else 0 end`).as("retrying"),
      eb.fn.sum<number | string>(sql`case when status = 'FAILED' then 1 else 0 end`).as("failed"),
    ])
    .where((eb) => eb.or([eb("status", "in", ["PENDING", "SENDING"]), eb.and([eb("status", "=", "FAILED"), eb("updated_at", ">=", failedSince)])]))
    .groupBy("channel")
    .orderBy("channel")
    .execute();
}

/** When the oldest delivery still waiting to be sent was created (undefined: none waits). */
export async function findOldestPendingDelivery(db: Db) {
  const row = await db
    .selectFrom("delivery")
    .select((eb) => eb.fn.min("created_at").as("oldest"))
    .where("status", "in", ["PENDING", "SENDING"])
    .executeTakeFirst();
  return (row?.oldest ?? undefined) as Date | string | undefined;
}

export async function countAccounts(db: Db) {
  const row = await db
    .selectFrom("user")
    .select((eb) => [eb.fn.countAll<number | string>().as("n"), eb.fn.count<number | string>("suspended_at").as("suspended")])
    .executeTakeFirst();
  return { total: count(row), suspended: Number(row?.suspended ?? 0) };
}

export async function countAllWorkspaces(db: Db) {
  return count(
    await db
      .selectFrom("workspace")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirst(),
  );
}

// ── actions ─────────────────────────────────────────────────────────────────

/** An account by id or by email (any case), with whether its address is verified. */
export function findUserForAdmin(db: Db, ref: { id: string } | { email: string }) {
  const q = db
    .selectFrom("user")
    .leftJoin("auth_user", "auth_user.id", "user.external_id")
    .select(["user.id", "user.external_id", "user.email", "user.name", "user.suspended_at", "auth_user.email_verified"]);
  return ("id" in ref ? q.where("user.id", "=", ref.id) : q.where(sql`lower(${sql.ref("user.email")})`, "=", ref.email.trim().toLowerCase())).executeTakeFirst();
}

/** Serialises operator actions on one account on PostgreSQL (SQLite has one writer). */
export async function lockUser(db: Db, userId: string) {
  if (isPostgres(db)) await sql`select id from ${sql.table("user")} where id = ${userId} for update`.execute(db);
}

export async function updateUserSuspension(db: Db, userId: string, suspendedAt: string | null) {
  await db.updateTable("user").set({ suspended_at: suspendedAt }).where("id", "=", userId).execute();
}

/** Signs the account out everywhere: Better Auth's session rows (no cookie cache, so at once). */
export async function deleteSessionsOf(db: Db, authUserId: string) {
  const result = await db.deleteFrom("auth_session").where("user_id", "=", authUserId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Every workspace the account belongs to, with its role: owned ones lose their keys, the others only a member. */
export function listMembershipsOf(db: Db, userId: string) {
  return db
    .selectFrom("workspace_member")
    .innerJoin("workspace", "workspace.id", "workspace_member.workspace_id")
    .select(["workspace.id", "workspace.slug", "workspace_member.role"])
    .where("workspace_member.user_id", "=", userId)
    .orderBy("workspace.id")
    .execute();
}

/** The identity (sessions and linked accounts go with it, by cascade). */
export async function deleteAuthUser(db: Db, authUserId: string) {
  await db.deleteFrom("auth_user").where("id", "=", authUserId).execute();
}

export function findWorkspaceForAdmin(db: Db, ref: { id: string } | { slug: string }) {
  const q = db.selectFrom("workspace").select(["id", "name", "slug", "plan"]);
  return ("id" in ref ? q.where("id", "=", ref.id) : q.where("slug", "=", ref.slug.trim().toLowerCase())).executeTakeFirst();
}

export async function lockWorkspaceRow(db: Db, workspaceId: string) {
  if (isPostgres(db)) await sql`select id from workspace where id = ${workspaceId} for update`.execute(db);
}

/** The operator's plan, kept as an override that billing does not undo. */
export async function updateWorkspacePlan(db: Db, workspaceId: string, plan: Plan, now: string) {
  await db.updateTable("workspace").set({ plan, plan_override: plan, updated_at: now }).where("id", "=", workspaceId).execute();
}

/** Stamped when a session is created (auth.ts), for the operator's "last sign-in". */
export async function updateLastSignIn(db: Db, authUserId: string, at: string) {
  await db.updateTable("user").set({ last_sign_in_at: at }).where("external_id", "=", authUserId).execute();
}

export async function findSuspendedAtByExternalId(db: Db, authUserId: string) {
  return (await db.selectFrom("user").select("suspended_at").where("external_id", "=", authUserId).executeTakeFirst())?.suspended_at ?? null;
}

// ── audit ───────────────────────────────────────────────────────────────────

export async function insertAudit(db: Db, row: Omit<AdminAuditTable, "created_at"> & { created_at: string }) {
  await db.insertInto("admin_audit").values(row).execute();
}

export async function countAudit(db: Db) {
  return count(
    await db
      .selectFrom("admin_audit")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirst(),
  );
}

/** Newest first, off (created_at, id). */
export function listAuditPage(db: Db, page: { limit: number; offset: number }) {
  return db.selectFrom("admin_audit").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(page.limit).offset(page.offset).execute();
}
