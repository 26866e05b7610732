import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import nodemailer from "nodemailer";
import type { Db } from "@/server/db/db";
import type { Logger } from "@/server/log/logger";
import type { MailMessage } from "./mail-message";
import { insertDevMail, listDevMail } from "./mail.queries";

export type { MailMessage };
export type DevMail = Awaited<ReturnType<typeof listDevMail>>[number];

/**
 * Where mail goes: SMTP (SMTP_URL), the local dev mailbox, or nowhere (no SMTP_URL and
 * DEV_MAILBOX=false). Only a dev-mailbox mailer has a token, so the mailbox cannot open
 * without one.
 */
export type Mailer = { send(message: MailMessage): Promise<void> } & (
  | { mode: "smtp" }
  /** `devMailboxToken`: drawn at start, printed in the start log, the only key to /dev/mailbox. `inbox()`: the newest mails kept. */
  | { mode: "dev-mailbox"; devMailboxToken: string; inbox(): Promise<DevMail[]> }
  | { mode: "off" }
);

/**
 * SMTP when SMTP_URL is set. Otherwise every message goes to the local dev mailbox (the
 * dev_mail table, readable at /dev/mailbox with the token printed at start), so a fresh
 * install works end to end without a mail server; with DEV_MAILBOX=false it is dropped.
 * Mail text carries sign-in and reset links, so only the recipient and subject are logged.
 */
export function createMailer(opts: { smtpUrl?: string; from: string; db: Db; logger: Logger; clock: () => Date; devMailbox?: boolean }): Mailer {
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
  if (opts.devMailbox === false) {
    return {
      mode: "off",
      async send(m) {
        opts.logger.warn({ to: m.to, subject: m.subject }, "mail dropped: SMTP_URL is not set and DEV_MAILBOX=false");
      },
    };
  }
  return {
    mode: "dev-mailbox",
    devMailboxToken: randomBytes(32).toString("base64url"),
    inbox: () => listDevMail(opts.db),
    async send(m) {
      await insertDevMail(opts.db, m, opts.clock().toISOString());
      opts.logger.info({ to: m.to, subject: m.subject }, "mail kept in the dev mailbox (SMTP_URL is not set)");
    },
  };
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** True when `candidate` is this mailer's dev mailbox token; constant time (equal-length digests). */
export function isDevMailboxToken(mailer: Mailer, candidate: string | undefined): boolean {
  if (mailer.mode !== "dev-mailbox" || !candidate) return false;
  return timingSafeEqual(digest(candidate), digest(mailer.devMailboxToken));
}

/**
 * What the start log says about mail when it does not leave by SMTP: where to read it, or that
 * it is dropped. A warning, so the only way into the mailbox survives LOG_LEVEL=warn.
 */
export function mailStartNotice(mailer: Mailer, appUrl: string): string | undefined {
  if (mailer.mode === "dev-mailbox") {
    const url = `${appUrl.replace(/\/$/, "")}/dev/mailbox?token=${mailer.devMailboxToken}`;
    return `SMTP_URL is not set: mail is kept in the dev mailbox; read mail at ${url} (this link changes at every start and opens sign-in links for every recipient: keep it to yourself; DEV_MAILBOX=false turns the mailbox off)`;
  }
  if (mailer.mode === "off") {
    return "SMTP_URL is not set and DEV_MAILBOX=false: no mail is sent; each message is dropped with a log line of its recipient and subject only. Set SMTP_URL to send mail.";
  }
  return undefined;
}
