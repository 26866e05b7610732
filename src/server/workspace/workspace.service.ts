import { randomBytes } from "node:crypto";
import { toDate, type Db } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { Plan, WorkspaceRole } from "@/server/db/types";
import { AppError } from "@/server/errors";
import type { Services } from "@/server/services";
import {
  deleteWorkspaces,
  findMemberRole,
  findMembership,
  findSessionCreatedAt,
  insertMember,
  insertWorkspace,
  listMemberships,
  lockWorkspace,
  renameWorkspaceRow,
  slugTaken,
} from "./workspace.queries";

/**
 * Who is acting, in which workspace, with which role: what every workspace-owned service takes.
 * Built only from a membership row (resolveWorkspace) or from an API key (which acts for its
 * workspace), never from what a client says.
 */
export type WorkspaceAccess = { id: string; name: string; slug: string; plan: Plan; role: WorkspaceRole; userId: string };

/** What counting against a plan needs: the workspace and its plan. */
export type WorkspacePlan = Pick<WorkspaceAccess, "id" | "plan">;

const RANK: Record<WorkspaceRole, number> = { member: 1, admin: 2, owner: 3 };

export const hasRole = (ws: Pick<WorkspaceAccess, "role">, least: WorkspaceRole) => RANK[ws.role] >= RANK[least];

/** Refuses the action unless the member's role is at least `least`. */
export function requireRole(ws: Pick<WorkspaceAccess, "role">, least: Exclude<WorkspaceRole, "member">) {
  if (hasRole(ws, least)) return;
  throw new AppError("FORBIDDEN", least === "owner" ? "Only the workspace's owner can do this." : "Only the workspace's owners and admins can do this.");
}

const toAccess = (row: { id: string; name: string; slug: string; plan: Plan; role: WorkspaceRole; user_id: string }): WorkspaceAccess => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  plan: row.plan,
  role: row.role,
  userId: row.user_id,
});

/**
 * The workspace a request acts in: the one it names (by id or slug) if the user is a member,
 * else the user's first workspace (their own). A workspace the user does not belong to is
 * never chosen, so naming one reveals nothing.
 */
export async function resolveWorkspace(db: Db, user: { id: string; name: string; email: string }, requested: { id?: string; slug?: string }, plan: Plan, now: Date) {
  const named = requested.id ? await findMembership(db, user.id, { id: requested.id }) : requested.slug ? await findMembership(db, user.id, { slug: requested.slug }) : undefined;
  if (named) return toAccess(named);
  const first = (await listMemberships(db, user.id))[0];
  if (first) return toAccess(first);
  // Someone who deleted their own workspace and belongs to none gets a new one.
  await db.transaction().execute((trx) => createPersonalWorkspace(trx, user, plan, now));
  const created = (await listMemberships(db, user.id))[0];
  if (!created) throw new Error("personal workspace was not created");
  return toAccess(created);
}

export async function listWorkspacesOf(db: Db, userId: string) {
  return (await listMemberships(db, userId)).map(toAccess);
}

/** The switcher: every workspace of the user, with their role in it. */
export async function listWorkspaces(db: Db, userId: string) {
  return (await listMemberships(db, userId)).map((w) => ({ id: w.id, name: w.name, slug: w.slug, plan: w.plan, role: w.role }));
}

/**
 * Under the workspace lock, the actor's role as it is now: a role changed or a membership
 * removed a moment ago no longer acts, whatever the request resolved before.
 */
export async function lockAsActor(db: Db, ws: Pick<WorkspaceAccess, "id" | "userId">, least: Exclude<WorkspaceRole, "member">) {
  await lockWorkspace(db, ws.id);
  const role = await findMemberRole(db, ws.id, ws.userId);
  if (!role) throw new AppError("NOT_FOUND", "Workspace not found.");
  requireRole({ role }, least);
}

/** "Ada Lovelace's workspace" → "ada-lovelace": lowercase ASCII letters, digits and dashes. */
export function slugify(text: string) {
  return (
    text
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "workspace"
  );
}

async function uniqueSlug(db: Db, name: string) {
  const base = slugify(name);
  if (!(await slugTaken(db, base))) return base;
  for (;;) {
    const candidate = `${base}-${randomBytes(3).toString("hex")}`;
    if (!(await slugTaken(db, candidate))) return candidate;
  }
}

export async function createWorkspace(db: Db, owner: { userId: string }, input: { name: string; plan: Plan; slugFrom?: string }, now: Date) {
  const at = now.toISOString();
  const slug = await uniqueSlug(db, input.slugFrom ?? input.name);
  const workspace = await insertWorkspace(db, { id: newId(), name: input.name, slug, plan: input.plan }, at);
  await insertMember(db, { workspaceId: workspace.id, userId: owner.userId, role: "owner" }, at);
  return workspace;
}

/** The workspace sign-up creates: named after the person, owned by them. */
export function createPersonalWorkspace(db: Db, user: { id: string; name: string; email: string }, plan: Plan, now: Date) {
  const person = user.name.trim() || user.email.split("@")[0] || "My";
  return createWorkspace(db, { userId: user.id }, { name: `${person}'s workspace`, plan, slugFrom: person }, now);
}

/** A new workspace with the caller as its owner, on the default plan; keys and categories are the owner's to create. */
export async function createOwnWorkspace({ db, env, clock }: Pick<Services, "db" | "env" | "clock">, userId: string, name: string) {
  const workspace = await db.transaction().execute((trx) => createWorkspace(trx, { userId }, { name, plan: env.DEFAULT_PLAN }, clock()));
  return { id: workspace.id, slug: workspace.slug };
}

/** The slug stays: links already sent keep working. */
export async function renameWorkspace({ db, clock }: Pick<Services, "db" | "clock">, ws: WorkspaceAccess, name: string) {
  requireRole(ws, "admin");
  await renameWorkspaceRow(db, ws.id, name, clock().toISOString());
  return { name };
}

/** Deleting a workspace needs a sign-in this recent, like deleting the account (Better Auth's `freshAge`). */
export const FRESH_SIGN_IN_MS = 10 * 60 * 1000;

/**
 * Deletes the workspace and everything it owns (the foreign keys cascade), for its owner only,
 * typed slug and a fresh sign-in required. Its API keys leave every instance's cache at once.
 */
export async function deleteWorkspace({ db, apiKeyCache, clock }: Pick<Services, "db" | "apiKeyCache" | "clock">, ws: WorkspaceAccess, session: { sessionId: string }, confirmSlug: string) {
  requireRole(ws, "owner");
  if (confirmSlug !== ws.slug) throw new AppError("VALIDATION_FAILED", `Type the workspace's slug, ${ws.slug}, to confirm.`, { field: "confirmSlug" });
  const signedInAt = await findSessionCreatedAt(db, session.sessionId);
  if (!signedInAt || clock().getTime() - toDate(signedInAt).getTime() > FRESH_SIGN_IN_MS) throw new AppError("FORBIDDEN", "Sign in again to delete this workspace.");
  await db.transaction().execute(async (trx) => {
    await lockAsActor(trx, ws, "owner");
    await deleteWorkspaces(trx, [ws.id]);
  });
  await apiKeyCache.evictWorkspaces([ws.id]);
}
