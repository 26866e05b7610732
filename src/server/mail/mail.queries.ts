import type { Db } from "@/server/db/db";
import type { MailMessage } from "./mail-message";

export async function insertDevMail(db: Db, m: MailMessage, now: string) {
  await db
    .insertInto("dev_mail")
    .values({ to_address: m.to, subject: m.subject, text_body: m.text, html_body: m.html ?? null, created_at: now })
    .execute();
}

export function listDevMail(db: Db, limit = 50) {
  return db.selectFrom("dev_mail").selectAll().orderBy("id", "desc").limit(limit).execute();
}
