import nodemailer from "nodemailer";
import type { Db } from "@/server/db/db";
import type { Logger } from "@/server/log/logger";
import { insertDevMail } from "./mail.queries";

export type MailMessage = { to: string; subject: string; text: string; html?: string };
export type Mailer = { send(message: MailMessage): Promise<void>; mode: "smtp" | "dev-mailbox" };

/**
 * SMTP when SMTP_URL is set. Otherwise every message goes to the log and to the local dev
 * mailbox (the dev_mail table, readable at /dev/mailbox from this machine), so a fresh
 * install works end to end without a mail server.
 */
export function createMailer(opts: { smtpUrl?: string; from: string; db: Db; logger: Logger }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    return {
      mode: "smtp",
      async send(m) {
        await transport.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
        opts.logger.info({ to: m.to, subject: m.subject }, "mail sent over SMTP");
      },
    };
  }
  return {
    mode: "dev-mailbox",
    async send(m) {
      await insertDevMail(opts.db, m);
      opts.logger.info({ to: m.to, subject: m.subject, text: m.text }, "mail kept in the dev mailbox (SMTP_URL is not set)");
    },
  };
}
