import type { Db } from "@/server/db/db";
import { toDate } from "@/server/db/db";
import type { ApiKey } from "@/server/db/types";
import { AppError } from "@/server/errors";
import type { Plan } from "@/shared/current-user";
import { hasRole, requireRole, type WorkspaceAccess } from "@/server/workspace/workspace.service";
import { API_KEY_PREFIX, generateApiKey, hashApiKey } from "./api-key.crypto";
import type { ApiKeyCache } from "./api-key.cache";
import {
  countActiveApiKeys,
  findActiveApiKeyByHash,
  findApiKeyById,
  findUnrevealedApiKey,
  insertApiKey,
  listApiKeysByWorkspace,
  lockWorkspaceForKeyWrite,
  updateApiKeyLastUsed,
  updateApiKeyRevoked,
  updateApiKeySecretOnReveal,
} from "./api-key.queries";

export const DEFAULT_KEY_NAME = "Default key";

export function toApiKeyDto(row: ApiKey) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: toDate(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? toDate(row.last_used_at).toISOString() : null,
    revokedAt: row.revoked_at ? toDate(row.revoked_at).toISOString() : null,
  };
}

/**
 * Active (unrevoked) keys a workspace may hold: plenty for one key per app and environment,
 * while one workspace cannot fill the table or the key cache.
 */
export const MAX_ACTIVE_API_KEYS = 20;

async function insertNewKey(db: Db, workspaceId: string, name: string, now: Date) {
  const { key, hash, prefix } = generateApiKey();
  const row = await insertApiKey(db, { workspaceId, name: name.trim() || "Unnamed key", prefix, hash }, now.toISOString());
  return { ...toApiKeyDto({ ...row, revealed_at: null }), key };
}

/** A new key, within MAX_ACTIVE_API_KEYS; the full key is in this result only. */
export async function createApiKey(db: Db, ws: WorkspaceAccess, name: string, now: Date) {
  requireRole(ws, "admin");
  return db.transaction().execute(async (trx) => {
    await lockWorkspaceForKeyWrite(trx, ws.id);
    if ((await countActiveApiKeys(trx, ws.id)) >= MAX_ACTIVE_API_KEYS) {
      throw new AppError("CONFLICT", `This workspace already has ${MAX_ACTIVE_API_KEYS} active API keys, the most a workspace can have. Revoke a key you no longer use, or rotate one instead.`, {
        limit: MAX_ACTIVE_API_KEYS,
      });
    }
    return insertNewKey(trx, ws.id, name, now);
  });
}

export async function listApiKeys(db: Db, workspaceId: string) {
  return (await listApiKeysByWorkspace(db, workspaceId)).map(toApiKeyDto);
}

const notFound = () => new AppError("NOT_FOUND", "API key not found or already revoked.");

export async function revokeApiKey(db: Db, cache: ApiKeyCache, ws: WorkspaceAccess, id: string, now: Date) {
  requireRole(ws, "admin");
  if (!(await updateApiKeyRevoked(db, ws.id, id, now.toISOString()))) throw notFound();
  await cache.evictKey(id);
}

/**
 * A new key with the same name, the old one revoked, in one transaction: the number of
 * active keys stays the same (so rotating works at the cap), and of two concurrent rotations
 * of one key only one succeeds.
 */
export async function rotateApiKey(db: Db, cache: ApiKeyCache, ws: WorkspaceAccess, id: string, now: Date) {
  requireRole(ws, "admin");
  const created = await db.transaction().execute(async (trx) => {
    await lockWorkspaceForKeyWrite(trx, ws.id);
    const old = await findApiKeyById(trx, ws.id, id);
    if (!old || !(await updateApiKeyRevoked(trx, ws.id, id, now.toISOString()))) throw notFound();
    return insertNewKey(trx, ws.id, old.name, now);
  });
  await cache.evictKey(id);
  return created;
}

/**
 * The key made at sign-up has never been seen by anyone, so showing it "once" is done by
 * re-keying it at the moment it is shown: the full key exists only in this response and
 * the database keeps the hash. Later calls return null, and so do a member's (keys are for
 * owners and admins).
 */
export async function revealNewApiKey(db: Db, ws: WorkspaceAccess, now: Date) {
  if (!hasRole(ws, "admin")) return null;
  const unrevealed = await findUnrevealedApiKey(db, ws.id);
  if (!unrevealed) return null;
  const { key, hash, prefix } = generateApiKey();
  const won = await updateApiKeySecretOnReveal(db, unrevealed.id, { prefix, hash }, now.toISOString());
  return won ? { id: unrevealed.id, name: unrevealed.name, prefix, key } : null;
}

export type ApiKeyOwner = { keyId: string; workspaceId: string; plan: Plan };

/** A key acts for its workspace, with the rights of the owners and admins who manage keys. */
export const keyAccess = (owner: ApiKeyOwner): Pick<WorkspaceAccess, "id" | "plan" | "role"> => ({ id: owner.workspaceId, plan: owner.plan, role: "admin" });

const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const lastUsedWrites = new Map<string, number>();

export const SUSPENDED_KEY_MESSAGE = "The account that owns this API key's workspace is suspended, so the key is refused. Contact the operator of this PingPilot instance.";

/**
 * The owner of a presented API key, or undefined for an unknown or revoked key; throws
 * ACCOUNT_SUSPENDED (403) while an operator has suspended the owner of the key's workspace.
 * Cached briefly by hash; `last_used_at` is written at most once a minute per key, off the request.
 */
export async function authenticateApiKey(db: Db, cache: ApiKeyCache, presented: string, now: Date, onError: (err: unknown) => void = () => {}): Promise<ApiKeyOwner | undefined> {
  if (!presented.startsWith(API_KEY_PREFIX) || presented.length > 100) return undefined;
  const hash = hashApiKey(presented);
  const cached = await cache.getOrLoad(hash, async () => {
    const row = await findActiveApiKeyByHash(db, hash);
    return row && { value: { keyId: row.id, workspaceId: row.workspace_id, plan: row.plan, suspended: row.owner_suspended_at !== null } };
  });
  if (!cached) return undefined;
  if (cached.suspended) throw new AppError("ACCOUNT_SUSPENDED", SUSPENDED_KEY_MESSAGE);
  const owner: ApiKeyOwner = { keyId: cached.keyId, workspaceId: cached.workspaceId, plan: cached.plan };
  const at = now.getTime();
  if ((lastUsedWrites.get(owner.keyId) ?? 0) + LAST_USED_WRITE_INTERVAL_MS <= at) {
    lastUsedWrites.set(owner.keyId, at);
    updateApiKeyLastUsed(db, owner.keyId, now.toISOString()).catch(onError);
  }
  return owner;
}
