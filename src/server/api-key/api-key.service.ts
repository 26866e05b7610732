import type { Db } from "@/server/db/db";
import { API_KEY_PREFIX, generateApiKey, hashApiKey } from "./api-key.crypto";
import { findActiveApiKeyByHash, findUnrevealedApiKey, insertApiKey, listApiKeysByUser, updateApiKeySecretOnReveal } from "./api-key.queries";

export const DEFAULT_KEY_NAME = "Default key";

export async function createApiKey(db: Db, userId: string, name: string) {
  const { key, hash, prefix } = generateApiKey();
  const row = await insertApiKey(db, { userId, name, prefix, hash });
  return { ...row, key };
}

export const listApiKeys = (db: Db, userId: string) => listApiKeysByUser(db, userId);

/**
 * The key made at sign-up has never been seen by anyone, so showing it "once" is done by
 * re-keying it at the moment it is shown: the full key exists only in this response and
 * the database keeps the hash. Later calls return null.
 */
export async function revealNewApiKey(db: Db, userId: string) {
  const unrevealed = await findUnrevealedApiKey(db, userId);
  if (!unrevealed) return null;
  const { key, hash, prefix } = generateApiKey();
  const won = await updateApiKeySecretOnReveal(db, unrevealed.id, { prefix, hash });
  return won ? { id: unrevealed.id, name: unrevealed.name, prefix, key } : null;
}

/** The owner of a presented API key, or undefined for an unknown or revoked key. */
export async function authenticateApiKey(db: Db, presented: string) {
  if (!presented.startsWith(API_KEY_PREFIX) || presented.length > 100) return undefined;
  const row = await findActiveApiKeyByHash(db, hashApiKey(presented));
  return row && { keyId: row.id, userId: row.user_id };
}
