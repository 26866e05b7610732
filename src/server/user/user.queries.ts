import type { Db } from "@/server/db/db";

export function findUserByExternalId(db: Db, externalId: string) {
  return db.selectFrom("user").selectAll().where("external_id", "=", externalId).executeTakeFirst();
}

export function findUserByEmail(db: Db, email: string) {
  return db.selectFrom("user").selectAll().where("email", "=", email).executeTakeFirst();
}

/**
 * Inserts unless a row for this identity or this email exists already; returns the row only
 * when inserted. No conflict target on purpose: two concurrent sign-up completions collide on
 * either unique index (external_id or email), and both must mean "someone else inserted it".
 */
export function insertUserIfAbsent(db: Db, row: { id: string; externalId: string; email: string; name: string }, now: string) {
  return db
    .insertInto("user")
    .values({ id: row.id, external_id: row.externalId, email: row.email, name: row.name, created_at: now, updated_at: now })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function authUserExists(db: Db, authUserId: string) {
  return db.selectFrom("auth_user").select("id").where("id", "=", authUserId).executeTakeFirst();
}

/** Re-points an app user whose auth identity is gone (an interrupted delete) at the new identity. */
export function updateUserExternalId(db: Db, id: string, externalId: string, name: string, now: string) {
  return db.updateTable("user").set({ external_id: externalId, name, updated_at: now }).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
}

export function updateUserProfile(db: Db, externalId: string, fields: { email?: string; name?: string }, now: string) {
  return db
    .updateTable("user")
    .set({ ...fields, updated_at: now })
    .where("external_id", "=", externalId)
    .execute();
}

export function deleteUserByExternalId(db: Db, externalId: string) {
  return db.deleteFrom("user").where("external_id", "=", externalId).execute();
}
