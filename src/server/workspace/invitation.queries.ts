import type { Db } from "@/server/db/db";
import type { WorkspaceRole } from "@/server/db/types";

const columns = ["id", "workspace_id", "email", "role", "created_at", "expires_at"] as const;

export function insertInvitation(
  db: Db,
  row: { id: string; workspaceId: string; email: string; role: Exclude<WorkspaceRole, "owner">; tokenHash: string; invitedBy: string; expiresAt: string },
  now: string,
) {
  return db
    .insertInto("workspace_invitation")
    .values({
      id: row.id,
      workspace_id: row.workspaceId,
      email: row.email,
      role: row.role,
      token_hash: row.tokenHash,
      invited_by: row.invitedBy,
      created_at: now,
      expires_at: row.expiresAt,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** A new invitation replaces the address's open ones in the workspace: only the newest link works. */
export function revokeOpenInvitationsFor(db: Db, workspaceId: string, email: string, now: string) {
  return db
    .updateTable("workspace_invitation")
    .set({ revoked_at: now })
    .where("workspace_id", "=", workspaceId)
    .where("email", "=", email)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .execute();
}

/** Invitations that can still be accepted, newest first, with the inviter's name. */
export function listPendingInvitations(db: Db, workspaceId: string, now: string) {
  return db
    .selectFrom("workspace_invitation")
    .leftJoin("user", "user.id", "workspace_invitation.invited_by")
    .select([
      "workspace_invitation.id",
      "workspace_invitation.email",
      "workspace_invitation.role",
      "workspace_invitation.created_at",
      "workspace_invitation.expires_at",
      "user.name as invited_by_name",
    ])
    .where("workspace_invitation.workspace_id", "=", workspaceId)
    .where("workspace_invitation.accepted_at", "is", null)
    .where("workspace_invitation.revoked_at", "is", null)
    .where("workspace_invitation.expires_at", ">", now)
    .orderBy("workspace_invitation.created_at", "desc")
    .orderBy("workspace_invitation.id", "desc")
    .execute();
}

/** Lookup by the SHA-256 of the presented token, with what the invitation page shows. */
export function findInvitationByTokenHash(db: Db, tokenHash: string) {
  return db
    .selectFrom("workspace_invitation")
    .innerJoin("workspace", "workspace.id", "workspace_invitation.workspace_id")
    .leftJoin("user", "user.id", "workspace_invitation.invited_by")
    .select([
      "workspace_invitation.id",
      "workspace_invitation.workspace_id",
      "workspace_invitation.email",
      "workspace_invitation.role",
      "workspace_invitation.expires_at",
      "workspace_invitation.accepted_at",
      "workspace_invitation.revoked_at",
      "workspace.name as workspace_name",
      "workspace.slug as workspace_slug",
      "user.name as invited_by_name",
    ])
    .where("workspace_invitation.token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** Resending: a new token and expiry on an open invitation of the workspace; the old token no longer matches. */
export function updateInvitationToken(db: Db, workspaceId: string, id: string, next: { tokenHash: string; expiresAt: string }) {
  return db
    .updateTable("workspace_invitation")
    .set({ token_hash: next.tokenHash, expires_at: next.expiresAt })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .returning(["id", "email", "role", "expires_at"])
    .executeTakeFirst();
}

export async function revokeInvitationRow(db: Db, workspaceId: string, id: string, now: string) {
  const result = await db
    .updateTable("workspace_invitation")
    .set({ revoked_at: now })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Single use: conditional on still being open and unexpired, so of two concurrent accepts one wins. */
export async function markInvitationAccepted(db: Db, id: string, now: string) {
  const result = await db
    .updateTable("workspace_invitation")
    .set({ accepted_at: now })
    .where("id", "=", id)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
