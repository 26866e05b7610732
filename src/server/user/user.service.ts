import type { Db } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { Plan } from "@/server/db/types";
import { insertApiKey } from "@/server/api-key/api-key.queries";
import { generateApiKey } from "@/server/api-key/api-key.crypto";
import { DEFAULT_KEY_NAME } from "@/server/api-key/api-key.service";
import { authUserExists, deleteUserByExternalId, findUserByEmail, findUserByExternalId, insertUserIfAbsent, updateUserExternalId, updateUserProfile } from "./user.queries";

export type Identity = { externalId: string; email: string; name: string };

/**
 * Makes sure the auth identity has its PingPilot user and first API key. Idempotent and safe
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
    const inserted = await insertUserIfAbsent(trx, { id: newId(), ...identity, plan }, at);
    if (!inserted) {
      const winner = await findUserByExternalId(trx, identity.externalId);
      if (!winner) throw new Error("email already belongs to another PingPilot user");
      return winner;
    }
    const { hash, prefix } = generateApiKey();
    await insertApiKey(trx, { userId: inserted.id, name: DEFAULT_KEY_NAME, prefix, hash }, at);
    return inserted;
  });
}

export const syncUserProfile = (db: Db, externalId: string, fields: { email?: string; name?: string }, now: Date) => updateUserProfile(db, externalId, fields, now.toISOString());

/** Deleting the app user cascades to everything it owns (keys, categories, events…). */
export const deleteAppUser = (db: Db, externalId: string) => deleteUserByExternalId(db, externalId);
