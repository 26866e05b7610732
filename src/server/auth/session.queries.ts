import type { Db } from "@/server/db/db";

export function deleteSessionByToken(db: Db, token: string) {
  return db.deleteFrom("auth_session").where("token", "=", token).execute();
}
