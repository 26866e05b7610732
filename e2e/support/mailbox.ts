import { existsSync, readdirSync, readFileSync } from "node:fs";
import { expect } from "@playwright/test";
import { MAIL_DIR } from "./ports";

type Mail = { to: string[]; raw: string };

function decodeQuotedPrintable(raw: string) {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function mailsTo(address: string): Mail[] {
  if (!existsSync(MAIL_DIR)) return [];
  return readdirSync(MAIL_DIR)
    .sort()
    .map((f) => JSON.parse(readFileSync(MAIL_DIR + f, "utf8")) as Mail)
    .filter((m) => m.to.includes(address));
}

/** Waits for the newest mail to `address` whose subject matches, and returns the first link in it. */
export async function linkFromMail(address: string, subject: RegExp, since = 0): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      () => {
        const mail = mailsTo(address)
          .slice(since)
          .reverse()
          .find((m) => subject.test(decodeQuotedPrintable(m.raw)));
        link = mail && decodeQuotedPrintable(mail.raw).match(/https?:\/\/[^\s"<>]+/)?.[0];
        return link;
      },
      { timeout: 15_000, message: `mail to ${address} matching ${subject}` },
    )
    .toBeTruthy();
  return link!;
}

export const mailCount = (address: string) => mailsTo(address).length;

/** How many mails to `address` contain `text` (subject or body, decoded): to check a notification arrived exactly once. */
export const mailsContaining = (address: string, text: string) => mailsTo(address).filter((m) => decodeQuotedPrintable(m.raw).includes(text)).length;
