import type { Db } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { Plan } from "@/server/db/types";
import { insertApiKey } from "@/server/api-key/api-key.queries";
import { generateApiKey } from "@/server/api-key/api-key.crypto";
import { DEFAULT_KEY_NAME } from "@/server/api-key/api-key.service";
import { createPersonalWorkspace } from "@/server/workspace/workspace.service";
import { deleteWorkspaces, listOwnedWorkspaceIds } from "@/server/workspace/workspace.queries";
import { authUserExists, deleteUserByExternalId, findUserByEmail, findUserByExternalId, insertUserIfAbsent, updateUserExternalId, updateUserProfile } from "./user.queries";

export type Identity = { externalId: string; email: string; name: string };

/**
 * Makes sure the auth identity has its PingPilot user, personal workspace and first API key. Idempotent and safe
 * under concurrency: it runs at sign-up and again on any request that finds the row missing
 * (a sign-up interrupted between the two writes), and creates the key only with the user.
 */
export async function ensureAppUser(db: Db, identity: Identity, plan: Plan, now: Date) {
  const at = now.toISOString();
  const existing = await findUserByExternalId(db, identity.externalId);
  if (existing) return existing;
  return db.transaction().execute(async (trx) => {
    const sameEmail = await findUserByEmail(trx, identity.email);
    if (sameEmail && sameEmail.external_id !== identity.externalId) {
      // An app user left behind by an identity that no longer exists must not block the email.
      if (await authUserExists(trx, sameEmail.external_id)) {
        throw new Error("email already belongs to another PingPilot user");
      }
      return updateUserExternalId(trx, sameEmail.id, identity.externalId, identity.name, at);
    }
    const inserted = await insertUserIfAbsent(trx, { id: newId(), ...identity }, at);
    if (!inserted) {
      const winner = await findUserByExternalId(trx, identity.externalId);
      if (!winner) throw new Error("email already belongs to another PingPilot user");
      return winner;
    }
    const workspace = await createPersonalWorkspace(trx, inserted, plan, now);
    const { hash, prefix } = generateApiKey();
    await insertApiKey(trx, { workspaceId: workspace.id, name: DEFAULT_KEY_NAME, prefix, hash }, at);
    return inserted;
  });
}

export const syncUserProfile = (db: Db, externalId: string, fields: { email?: string; name?: string }, now: Date) => updateUserProfile(db, externalId, fields, now.toISOString());

/**
 * Deletes the app user and the workspaces they own (with their keys, categories, events…);
 * they leave the others. Returns the deleted workspaces, whose cached keys must go.
 */
export async function deleteAppUser(db: Db, externalId: string) {
  return db.transaction().execute(async (trx) => {
    const user = await findUserByExternalId(trx, externalId);
    if (!user) return [];
    const owned = await listOwnedWorkspaceIds(trx, user.id);
    await deleteWorkspaces(trx, owned);
    await deleteUserByExternalId(trx, externalId);
    return owned;
  });
}
