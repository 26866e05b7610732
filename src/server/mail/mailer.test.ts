import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpFake, type SmtpFake } from "../../../tests/fakes/smtp.fake";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { createLogger } from "../log/logger";
import { createMailer } from "./mailer";

let smtp: SmtpFake;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtpFake();
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe("mail over SMTP", () => {
  it("delivers the verification mail of a sign-up to a real SMTP server, HTML and text parts", async () => {
    t.services.mailer = createMailer({ smtpUrl: smtp.url, from: "PingPilot <no-reply@pingpilot.test>", db: t.db, logger: createLogger("silent") });
    // Better Auth captured the mailer at creation; route through a fresh auth instance.
    const { createAuth } = await import("../auth/auth");
    t.services.auth = createAuth({ env: t.env, db: t.db, mailer: t.services.mailer, logger: createLogger("silent") });
    const { createApp } = await import("../http/app");
    const app = createApp(t.services);
    const res = await app.request(`${t.env.APP_URL}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: t.env.APP_URL, "x-forwarded-for": "10.1.1.1" },
      body: JSON.stringify({ email: "smtp-user@example.com", password: "correct horse battery staple", name: "Smtp <User>" }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => smtp.received.length, { timeout: 5000 }).toBe(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe("no-reply@pingpilot.test");
    expect(mail.to).toEqual(["smtp-user@example.com"]);
    expect(mail.raw).toMatch(/Subject: Confirm your email for PingPilot/);
    expect(mail.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
    expect(mail.raw).toMatch(/verify-email\?token=/);
    // Nothing goes to the dev mailbox when SMTP is configured.
    expect(await t.db.selectFrom("dev_mail").selectAll().execute()).toEqual([]);
  });
});
