import { createHash, randomBytes } from "node:crypto";
import { toDate, type Db } from "@/server/db/db";
import { newId } from "@/server/db/id";
import { AppError } from "@/server/errors";
import { workspaceInvitationMail } from "@/server/mail/templates";
import type { Services } from "@/server/services";
import type { CurrentUser } from "@/shared/current-user";
import {
  findInvitationByTokenHash,
  insertInvitation,
  listPendingInvitations,
  markInvitationAccepted,
  revokeInvitationRow,
  revokeOpenInvitationsFor,
  updateInvitationToken,
} from "./invitation.queries";
import { insertMember, isMemberEmail, lockWorkspace } from "./workspace.queries";
import { requireRole, type WorkspaceAccess } from "./workspace.service";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type InvitationRole = "admin" | "member";
export type InvitationStatus = "pending" | "expired" | "used" | "revoked";

/** The mailed token is 32 random bytes; only its SHA-256 is stored, so a database reader cannot accept. */
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

function newToken() {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

type InviteDeps = Pick<Services, "db" | "env" | "mailer" | "clock" | "inviteLimiter">;

/** Each invitation sends a mail: limited per inviting user and per workspace. */
async function takeInvitation(limiter: Services["inviteLimiter"], ws: WorkspaceAccess) {
  for (const key of [`user:${ws.userId}`, `workspace:${ws.id}`]) {
    const limit = await limiter.take(key);
    if (!limit.allowed) {
      const wait = limit.retryAfterSeconds;
      const minutes = Math.ceil(wait / 60);
      throw new AppError("RATE_LIMITED", `Too many invitations sent: try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, { retryAfterSeconds: wait }, wait);
    }
  }
}

function mailInvitation({ env, mailer }: Pick<Services, "env" | "mailer">, to: string, token: string, invitation: { workspaceName: string; inviterName: string; role: InvitationRole }) {
  return mailer.send({ to, ...workspaceInvitationMail(`${env.APP_URL}/invite/${token}`, invitation) });
}

/**
 * Invites an address to the workspace (admins and owners). An open invitation of the same
 * address is replaced, so only the newest link works; a member's address is refused.
 */
export async function inviteMember(deps: InviteDeps, ws: WorkspaceAccess, inviter: Pick<CurrentUser, "name">, input: { email: string; role: InvitationRole }) {
  requireRole(ws, "admin");
  const email = input.email.trim().toLowerCase();
  await takeInvitation(deps.inviteLimiter, ws);
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString();
  const { token, hash } = newToken();
  const row = await deps.db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, ws.id);
    if (await isMemberEmail(trx, ws.id, email)) throw new AppError("CONFLICT", `${email} is already a member of this workspace.`, { field: "email" });
    await revokeOpenInvitationsFor(trx, ws.id, email, now.toISOString());
    return insertInvitation(trx, { id: newId(), workspaceId: ws.id, email, role: input.role, tokenHash: hash, invitedBy: ws.userId, expiresAt }, now.toISOString());
  });
  await mailInvitation(deps, email, token, { workspaceName: ws.name, inviterName: inviter.name, role: input.role });
  return { id: row.id, email, expiresAt };
}

/** The invitations that can still be accepted (admins and owners). */
export async function listInvitations(db: Db, ws: WorkspaceAccess, now: Date) {
  requireRole(ws, "admin");
  return (await listPendingInvitations(db, ws.id, now.toISOString())).map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    createdAt: toDate(r.created_at).toISOString(),
    expiresAt: toDate(r.expires_at).toISOString(),
    invitedByName: r.invited_by_name,
  }));
}

const invitationNotFound = () => new AppError("NOT_FOUND", "Invitation not found.");

/** A new link and a new week for an open (even expired) invitation; the previous link stops working. */
export async function resendInvitation(deps: InviteDeps, ws: WorkspaceAccess, inviter: Pick<CurrentUser, "name">, id: string) {
  requireRole(ws, "admin");
  await takeInvitation(deps.inviteLimiter, ws);
  const { token, hash } = newToken();
  const expiresAt = new Date(deps.clock().getTime() + INVITATION_TTL_MS).toISOString();
  const row = await updateInvitationToken(deps.db, ws.id, id, { tokenHash: hash, expiresAt });
  if (!row) throw invitationNotFound();
  await mailInvitation(deps, row.email, token, { workspaceName: ws.name, inviterName: inviter.name, role: row.role });
  return { id: row.id, email: row.email, expiresAt };
}

export async function revokeInvitation(db: Db, ws: WorkspaceAccess, id: string, now: Date) {
  requireRole(ws, "admin");
  if (!(await revokeInvitationRow(db, ws.id, id, now.toISOString()))) throw invitationNotFound();
}

function statusOf(row: { accepted_at: unknown; revoked_at: unknown; expires_at: Date | string }, now: Date): InvitationStatus {
  if (row.accepted_at) return "used";
  if (row.revoked_at) return "revoked";
  return toDate(row.expires_at).getTime() <= now.getTime() ? "expired" : "pending";
}

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

async function findByToken(db: Db, token: string) {
  const row = await findInvitationByTokenHash(db, hashToken(token));
  if (!row) throw invitationNotFound();
  return row;
}

/** What the invitation page shows to the signed-in holder of the link. */
export async function getInvitation(deps: Pick<Services, "db" | "clock" | "inviteLimiter">, viewer: { ip: string; user: Pick<CurrentUser, "email"> | null }, token: string) {
  // A token is 256 random bits, so guessing is hopeless; the limit keeps it that way cheaply.
  const limit = await deps.inviteLimiter.take(`lookup:${viewer.ip}`);
  if (!limit.allowed)
    throw new AppError("RATE_LIMITED", "Too many invitation links opened from this address. Try again later.", { retryAfterSeconds: limit.retryAfterSeconds }, limit.retryAfterSeconds);
  const now = deps.clock();
  const row = await findByToken(deps.db, token);
  const { user } = viewer;
  return {
    workspaceName: row.workspace_name,
    invitedByName: row.invited_by_name,
    email: row.email,
    role: row.role,
    status: statusOf(row, now),
    emailMatches: user ? sameEmail(row.email, user.email) : false,
  };
}

const REFUSED: Record<Exclude<InvitationStatus, "pending">, string> = {
  used: "This invitation has already been used. Ask for a new one if you still need to join.",
  revoked: "This invitation was withdrawn. Ask the workspace's admins for a new one.",
  expired: "This invitation has expired. Ask the workspace's admins to send it again.",
};

/**
 * Joins the workspace with the invitation's role. Only the account whose verified email the
 * invitation names can accept, so a forwarded link is of no use to anyone else. Single use:
 * the conditional update decides between concurrent accepts. Someone already in the workspace
 * keeps their role; the invitation is used all the same.
 */
export async function acceptInvitation({ db, clock }: Pick<Services, "db" | "clock">, user: Pick<CurrentUser, "id" | "email" | "emailVerified">, token: string) {
  const row = await findByToken(db, token);
  const now = clock();
  const status = statusOf(row, now);
  if (status !== "pending") throw new AppError("CONFLICT", REFUSED[status], { status });
  if (!sameEmail(row.email, user.email)) {
    throw new AppError("FORBIDDEN", `This invitation is for ${row.email}, and you are signed in as ${user.email}. Sign in with ${row.email} to accept it.`);
  }
  if (!user.emailVerified) throw new AppError("FORBIDDEN", `Confirm your email address first (we sent a link to ${user.email}), then accept the invitation.`);
  await db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, row.workspace_id);
    if (!(await markInvitationAccepted(trx, row.id, now.toISOString()))) {
      const latest = await findByToken(trx, token);
      const lost = statusOf(latest, now);
      throw new AppError("CONFLICT", REFUSED[lost === "pending" ? "used" : lost], { status: lost === "pending" ? "used" : lost });
    }
    await insertMember(trx, { workspaceId: row.workspace_id, userId: user.id, role: row.role }, now.toISOString());
  });
  return { slug: row.workspace_slug };
}
