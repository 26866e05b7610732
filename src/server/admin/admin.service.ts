import { toDate, type Db } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { AdminAction, Plan } from "@/server/db/types";
import { AppError } from "@/server/errors";
import { limitsFor, quotaPeriod } from "@/server/quota/quota.service";
import type { Services } from "@/server/services";
import { deleteUserByExternalId } from "@/server/user/user.queries";
import { deleteWorkspaces } from "@/server/workspace/workspace.queries";
import {
  countAccounts,
  countAllWorkspaces,
  countAudit,
  countEventsSince,
  countUsers,
  countWorkspaces,
  deleteAuthUser,
  deleteSessionsOf,
  deliveryHealthByChannel,
  findOldestPendingDelivery,
  findSuspendedAtByExternalId,
  findUserForAdmin,
  findWorkspaceForAdmin,
  insertAudit,
  listAuditPage,
  listMembershipsOf,
  listOwnedWorkspacesOf,
  listUsersPage,
  listWorkspacesPage,
  lockUser,
  lockWorkspaceRow,
  updateLastSignIn,
  updateUserSuspension,
  updateWorkspacePlan,
} from "./admin.queries";
import { isOperator } from "./operator";

export { isOperator };

/**
 * Who acts: a signed-in operator (ADMIN_EMAILS, verified) from /admin, or `npm run admin` on
 * the server, recorded as "cli". Every action below writes its audit row in its own transaction.
 */
export type Actor = { kind: "operator"; userId: string; email: string } | { kind: "cli" };
export const CLI_ACTOR: Actor = { kind: "cli" };

export const PLANS_IN_ORDER: readonly Plan[] = ["FREE", "PRO", "ENTERPRISE"];
export const ADMIN_PAGE_SIZE = 20;

/** What a refused sign-in says; the sign-in form shows it as it is. */
export const SUSPENDED_SIGN_IN_MESSAGE = "This account is suspended. Contact the operator of this PingPilot instance if you think this is a mistake.";

type ReadDeps = Pick<Services, "db" | "env" | "clock">;
type ActDeps = Pick<Services, "db" | "clock" | "apiKeyCache" | "realtime">;
export type UserRef = { id: string } | { email: string };
export type WorkspaceRef = { id: string } | { slug: string };

const iso = (v: Date | string | null | undefined) => (v ? toDate(v).toISOString() : null);
const pageOf = (page: number) => ({ limit: ADMIN_PAGE_SIZE, offset: (Math.max(1, page) - 1) * ADMIN_PAGE_SIZE });
const paged = <T>(items: T[], total: number, page: number) => ({ items, total, page, pageSize: ADMIN_PAGE_SIZE, pages: Math.max(1, Math.ceil(total / ADMIN_PAGE_SIZE)) });
const searchOf = (search: string | undefined) => search?.trim() || undefined;

// ── reads ───────────────────────────────────────────────────────────────────

/** Accounts, newest first: verification, operator, suspension, sign-ins and the workspaces each owns with this month's usage. */
export async function listUsers({ db, env, clock }: ReadDeps, input: { search?: string; page: number }) {
  const search = searchOf(input.search);
  const { period } = quotaPeriod(clock());
  const [total, rows] = await Promise.all([countUsers(db, search), listUsersPage(db, search, pageOf(input.page))]);
  const owned = await listOwnedWorkspacesOf(
    db,
    rows.map((r) => r.id),
    period,
  );
  const items = rows.map((r) => {
    const workspaces = owned.filter((w) => w.user_id === r.id).map((w) => ({ id: w.id, name: w.name, slug: w.slug, plan: w.plan, used: Number(w.used ?? 0) }));
    const emailVerified = Boolean(r.email_verified);
    return {
      id: r.id,
      email: r.email,
      name: r.name,
      emailVerified,
      operator: isOperator(env, { email: r.email, emailVerified }),
      createdAt: iso(r.created_at)!,
      lastSignInAt: iso(r.last_sign_in_at),
      suspendedAt: iso(r.suspended_at),
      usedThisMonth: workspaces.reduce((sum, w) => sum + w.used, 0),
      workspaces,
    };
  });
  return paged(items, total, input.page);
}

/** Workspaces, newest first: plan, this month's usage against its limit, owner, members, the latest sign-in of a member. */
export async function listWorkspaces({ db, env, clock }: ReadDeps, input: { search?: string; page: number }) {
  const search = searchOf(input.search);
  const { period } = quotaPeriod(clock());
  const [total, rows] = await Promise.all([countWorkspaces(db, search), listWorkspacesPage(db, search, period, pageOf(input.page))]);
  const items = rows.map((r) => ({
    id: r.id,
    name: r.name,
    slug: r.slug,
    plan: r.plan,
    createdAt: iso(r.created_at)!,
    used: Number(r.used ?? 0),
    limit: limitsFor(r.plan, env).eventsPerMonth,
    members: Number(r.members ?? 0),
    lastSignInAt: iso(r.last_sign_in_at as Date | string | null),
    owner: r.owner_id ? { id: r.owner_id, email: r.owner_email ?? "", suspended: r.owner_suspended_at !== null } : null,
  }));
  return paged(items, total, input.page);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instance at a glance: accounts, events today (UTC), and the delivery queue per channel. */
export async function instanceHealth({ db, clock }: Pick<Services, "db" | "clock">) {
  const now = clock();
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const failedSince = new Date(now.getTime() - DAY_MS);
  const [eventsToday, byChannel, oldest, accounts, workspaces] = await Promise.all([
    countEventsSince(db, today.toISOString()),
    deliveryHealthByChannel(db, failedSince.toISOString()),
    findOldestPendingDelivery(db),
    countAccounts(db),
    countAllWorkspaces(db),
  ]);
  const channels = byChannel.map((r) => ({ channel: r.channel, pending: Number(r.pending ?? 0), retrying: Number(r.retrying ?? 0), failed24h: Number(r.failed ?? 0) }));
  const oldestAt = oldest ? toDate(oldest) : undefined;
  return {
    at: now.toISOString(),
    eventsToday,
    eventsSince: today.toISOString(),
    users: accounts,
    workspaces,
    deliveries: {
      channels,
      pending: channels.reduce((n, c) => n + c.pending, 0),
      retrying: channels.reduce((n, c) => n + c.retrying, 0),
      failed24h: channels.reduce((n, c) => n + c.failed24h, 0),
      oldestPendingAt: oldestAt?.toISOString() ?? null,
      oldestPendingAgeSeconds: oldestAt ? Math.max(0, Math.floor((now.getTime() - oldestAt.getTime()) / 1000)) : null,
    },
  };
}

/** The audit log, newest first. */
export async function listAudit({ db }: Pick<Services, "db">, input: { page: number }) {
  const [total, rows] = await Promise.all([countAudit(db), listAuditPage(db, pageOf(input.page))]);
  const items = rows.map((r) => ({
    id: r.id,
    actor: r.actor,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    targetLabel: r.target_label,
    details: parseDetails(r.details),
    createdAt: iso(r.created_at)!,
  }));
  return paged(items, total, input.page);
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One account and what deleting it would take with it (the CLI's confirmation). */
export async function describeUser({ db }: Pick<Services, "db">, ref: UserRef) {
  const user = await findUserForAdmin(db, ref);
  if (!user) throw userNotFound(ref);
  const memberships = await listMembershipsOf(db, user.id);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    suspendedAt: iso(user.suspended_at),
    owned: memberships.filter((m) => m.role === "owner").map((m) => m.slug),
    memberOf: memberships.filter((m) => m.role !== "owner").map((m) => m.slug),
  };
}

// ── actions ─────────────────────────────────────────────────────────────────

function audit(db: Db, actor: Actor, entry: { action: AdminAction; target: { type: "user" | "workspace"; id: string; label: string }; details: Record<string, unknown> }, now: Date) {
  return insertAudit(db, {
    id: newId(),
    actor: actor.kind === "cli" ? "cli" : actor.email,
    actor_user_id: actor.kind === "cli" ? null : actor.userId,
    action: entry.action,
    target_type: entry.target.type,
    target_id: entry.target.id,
    target_label: entry.target.label,
    details: JSON.stringify(entry.details),
    created_at: now.toISOString(),
  });
}

const userNotFound = (ref: UserRef) => new AppError("NOT_FOUND", "email" in ref ? `No account with the email ${ref.email}.` : "No such account.");
const workspaceNotFound = (ref: WorkspaceRef) => new AppError("NOT_FOUND", "slug" in ref ? `No workspace with the slug ${ref.slug}.` : "No such workspace.");

function refuseSelf(actor: Actor, userId: string, what: string) {
  if (actor.kind === "operator" && actor.userId === userId) throw new AppError("FORBIDDEN", `You cannot ${what} your own account here.`);
}

function parsePlan(plan: string): Plan {
  const upper = plan.trim().toUpperCase();
  if ((PLANS_IN_ORDER as readonly string[]).includes(upper)) return upper as Plan;
  throw new AppError("VALIDATION_FAILED", `Unknown plan "${plan}": use ${PLANS_IN_ORDER.join(", ")}.`, [{ field: "plan", message: "unknown plan" }]);
}

/**
 * Sets a workspace's plan (self-hosted with billing off, or an operator's override). Limits
 * apply from the next request: quota checks and category creation read the workspace's plan,
 * and cached API keys carrying the old plan are evicted on every instance.
 */
export async function setWorkspacePlan({ db, clock, apiKeyCache }: Pick<ActDeps, "db" | "clock" | "apiKeyCache">, actor: Actor, ref: WorkspaceRef, planInput: string) {
  const plan = parsePlan(planInput);
  const now = clock();
  const result = await db.transaction().execute(async (trx) => {
    const found = await findWorkspaceForAdmin(trx, ref);
    if (!found) throw workspaceNotFound(ref);
    await lockWorkspaceRow(trx, found.id);
    const ws = (await findWorkspaceForAdmin(trx, { id: found.id }))!;
    if (ws.plan === plan) return { id: ws.id, slug: ws.slug, name: ws.name, from: ws.plan, plan, changed: false };
    await updateWorkspacePlan(trx, ws.id, plan, now.toISOString());
    await audit(trx, actor, { action: "set-plan", target: { type: "workspace", id: ws.id, label: ws.slug }, details: { from: ws.plan, to: plan } }, now);
    return { id: ws.id, slug: ws.slug, name: ws.name, from: ws.plan, plan, changed: true };
  });
  if (result.changed) await apiKeyCache.evictWorkspaces([result.id]);
  return result;
}

/** Under the account's lock: the account as it is now. */
async function lockedUser(db: Db, ref: UserRef) {
  const found = await findUserForAdmin(db, ref);
  if (!found) throw userNotFound(ref);
  await lockUser(db, found.id);
  const user = await findUserForAdmin(db, { id: found.id });
  if (!user) throw userNotFound(ref);
  return user;
}

/** After the commit: the account's open live streams close in every workspace it belongs to (stream.route.ts). */
function closeLiveStreams(realtime: ActDeps["realtime"], userId: string, workspaceIds: string[]) {
  for (const id of workspaceIds) realtime.publish(id, { type: "member.removed", userId });
}

/**
 * Suspends an account: every session ends, signing in is refused (auth.ts), pages and tRPC treat
 * it as signed out (session.ts), and the API keys of the workspaces it owns answer 403
 * ACCOUNT_SUSPENDED on every instance at once (the cache evicts them everywhere; the next lookup
 * reads the suspension). Its data stays; unsuspending gives everything back.
 */
export async function suspendUser({ db, clock, apiKeyCache, realtime }: ActDeps, actor: Actor, ref: UserRef, reason?: string) {
  const now = clock();
  const note = reason?.trim() || undefined;
  const result = await db.transaction().execute(async (trx) => {
    const user = await lockedUser(trx, ref);
    refuseSelf(actor, user.id, "suspend");
    if (user.suspended_at) throw new AppError("CONFLICT", `${user.email} is already suspended.`);
    await updateUserSuspension(trx, user.id, now.toISOString());
    const sessionsRevoked = await deleteSessionsOf(trx, user.external_id);
    const memberships = await listMembershipsOf(trx, user.id);
    const owned = memberships.filter((m) => m.role === "owner");
    await audit(
      trx,
      actor,
      { action: "suspend", target: { type: "user", id: user.id, label: user.email }, details: { ...(note && { reason: note }), sessionsRevoked, workspaces: owned.map((w) => w.slug) } },
      now,
    );
    return { user, sessionsRevoked, owned, memberships };
  });
  await apiKeyCache.evictWorkspaces(result.owned.map((w) => w.id));
  closeLiveStreams(
    realtime,
    result.user.id,
    result.memberships.map((m) => m.id),
  );
  return { id: result.user.id, email: result.user.email, suspendedAt: now.toISOString(), sessionsRevoked: result.sessionsRevoked, workspaces: result.owned.map((w) => w.slug) };
}

/** Lifts a suspension: the account signs in again and its workspaces' keys work again at once (the cached refusals are evicted). */
export async function unsuspendUser({ db, clock, apiKeyCache }: Pick<ActDeps, "db" | "clock" | "apiKeyCache">, actor: Actor, ref: UserRef) {
  const now = clock();
  const result = await db.transaction().execute(async (trx) => {
    const user = await lockedUser(trx, ref);
    if (!user.suspended_at) throw new AppError("CONFLICT", `${user.email} is not suspended.`);
    await updateUserSuspension(trx, user.id, null);
    const owned = (await listMembershipsOf(trx, user.id)).filter((m) => m.role === "owner");
    await audit(trx, actor, { action: "unsuspend", target: { type: "user", id: user.id, label: user.email }, details: { suspendedAt: iso(user.suspended_at) } }, now);
    return { user, owned };
  });
  await apiKeyCache.evictWorkspaces(result.owned.map((w) => w.id));
  return { id: result.user.id, email: result.user.email, workspaces: result.owned.map((w) => w.slug) };
}

/**
 * Deletes an account like its owner would (settings → delete account): the identity with its
 * sessions and sign-in methods, the PingPilot user, and the workspaces it owns with everything in
 * them; it leaves the others. Their API keys leave every instance's cache at once.
 */
export async function deleteUser({ db, clock, apiKeyCache, realtime }: ActDeps, actor: Actor, ref: UserRef) {
  const now = clock();
  const result = await db.transaction().execute(async (trx) => {
    const user = await lockedUser(trx, ref);
    refuseSelf(actor, user.id, "delete");
    const memberships = await listMembershipsOf(trx, user.id);
    const owned = memberships.filter((m) => m.role === "owner");
    await deleteWorkspaces(
      trx,
      owned.map((w) => w.id),
    );
    await deleteUserByExternalId(trx, user.external_id);
    await deleteAuthUser(trx, user.external_id);
    await audit(trx, actor, { action: "delete-user", target: { type: "user", id: user.id, label: user.email }, details: { name: user.name, workspacesDeleted: owned.map((w) => w.slug) } }, now);
    return { user, owned, others: memberships.filter((m) => m.role !== "owner") };
  });
  await apiKeyCache.evictWorkspaces(result.owned.map((w) => w.id));
  closeLiveStreams(
    realtime,
    result.user.id,
    result.others.map((m) => m.id),
  );
  return { id: result.user.id, email: result.user.email, workspacesDeleted: result.owned.map((w) => w.slug) };
}

// ── sign-in (auth.ts) ───────────────────────────────────────────────────────

/** Whether the Better Auth user's account is suspended: no new session for it. */
export async function isSuspendedIdentity(db: Db, authUserId: string) {
  return (await findSuspendedAtByExternalId(db, authUserId)) !== null;
}

/** "Last sign-in" on /admin. */
export const recordSignIn = (db: Db, authUserId: string, now: Date) => updateLastSignIn(db, authUserId, now.toISOString());
