import { toDate, type Db } from "@/server/db/db";
import { deletePendingDeliveriesOfRecipient, updateEventStatusFromDeliveries } from "@/server/delivery/delivery.queries";
import { AppError } from "@/server/errors";
import type { Services } from "@/server/services";
import { deleteMember, deleteMemberOptOuts, findMemberRole, listMembersOf, lockWorkspace, updateMemberRole } from "./workspace.queries";
import { lockAsActor, requireRole, type WorkspaceAccess } from "./workspace.service";

export async function listMembers(db: Db, ws: WorkspaceAccess) {
  return (await listMembersOf(db, ws.id)).map((m) => ({
    userId: m.id,
    name: m.name,
    email: m.email,
    role: m.role,
    joinedAt: toDate(m.created_at).toISOString(),
    isYou: m.id === ws.userId,
  }));
}

const memberNotFound = () => new AppError("NOT_FOUND", "Member not found.");

/** Admins and members only: the owner changes hands through transferOwnership, never here. */
export async function changeMemberRole(db: Db, ws: WorkspaceAccess, userId: string, role: "admin" | "member") {
  requireRole(ws, "admin");
  await db.transaction().execute(async (trx) => {
    await lockAsActor(trx, ws, "admin");
    const current = await findMemberRole(trx, ws.id, userId);
    if (!current) throw memberNotFound();
    if (current === "owner") throw new AppError("FORBIDDEN", "The owner's role cannot be changed. The owner can transfer ownership to another member instead.");
    await updateMemberRole(trx, ws.id, userId, role);
  });
  return { userId, role };
}

/**
 * Takes the person out of the workspace: the membership, the deliveries still queued for them
 * (so nothing more reaches them) and their opt-outs of its categories, in the caller's
 * transaction. Their sessions and personal channels stay; the workspace just no longer resolves.
 * Returns the events that lost a delivery: their status may now be settled (see settleEvents).
 */
async function detachMember(db: Db, workspaceId: string, userId: string) {
  await deleteMember(db, workspaceId, userId);
  const events = await deletePendingDeliveriesOfRecipient(db, workspaceId, userId);
  await deleteMemberOptOuts(db, workspaceId, userId);
  return events;
}

/** After the commit: an event whose only unsent delivery was the removed member's is delivered (or partial) now. */
async function settleEvents(db: Db, eventIds: string[]) {
  for (const id of eventIds) await updateEventStatusFromDeliveries(db, id);
}

type RemovalDeps = Pick<Services, "db" | "realtime">;

/** After the commit: the person's open live streams of the workspace close (stream.route.ts). */
const announceRemoval = (realtime: Services["realtime"], workspaceId: string, userId: string) => realtime.publish(workspaceId, { type: "member.removed", userId });

export async function removeMember({ db, realtime }: RemovalDeps, ws: WorkspaceAccess, userId: string) {
  requireRole(ws, "admin");
  const events = await db.transaction().execute(async (trx) => {
    await lockAsActor(trx, ws, "admin");
    const current = await findMemberRole(trx, ws.id, userId);
    if (!current) throw memberNotFound();
    if (current === "owner") throw new AppError("FORBIDDEN", "The owner cannot be removed. The owner can transfer ownership to another member first.");
    return detachMember(trx, ws.id, userId);
  });
  await settleEvents(db, events);
  announceRemoval(realtime, ws.id, userId);
}

export async function leaveWorkspace({ db, realtime }: RemovalDeps, ws: WorkspaceAccess) {
  const ownerCannotLeave = () => new AppError("FORBIDDEN", "You own this workspace: transfer ownership to another member first, or delete the workspace.");
  if (ws.role === "owner") throw ownerCannotLeave();
  const events = await db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, ws.id);
    const current = await findMemberRole(trx, ws.id, ws.userId);
    if (!current) throw new AppError("NOT_FOUND", "Workspace not found.");
    if (current === "owner") throw ownerCannotLeave();
    return detachMember(trx, ws.id, ws.userId);
  });
  await settleEvents(db, events);
  announceRemoval(realtime, ws.id, ws.userId);
}

/** The member becomes the owner and the owner an admin, together: a workspace always has one owner. */
export async function transferOwnership(db: Db, ws: WorkspaceAccess, userId: string) {
  requireRole(ws, "owner");
  if (userId === ws.userId) throw new AppError("BAD_REQUEST", "You already own this workspace.");
  await db.transaction().execute(async (trx) => {
    await lockAsActor(trx, ws, "owner");
    if (!(await findMemberRole(trx, ws.id, userId))) throw memberNotFound();
    await updateMemberRole(trx, ws.id, userId, "owner");
    await updateMemberRole(trx, ws.id, ws.userId, "admin");
  });
}
