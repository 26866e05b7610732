import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpFake, type SmtpFake } from "../../../tests/fakes/smtp.fake";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { createLogger } from "../log/logger";
import { captureLogger, LEVEL } from "../../../tests/support/capture-logger";
import { listDevMail } from "./mail.queries";
import { createMailer, isDevMailboxToken, mailStartNotice } from "./mailer";

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
    t.services.mailer = createMailer({ smtpUrl: smtp.url, from: "PingPilot <no-reply@pingpilot.test>", db: t.db, logger: createLogger("silent"), clock: t.services.clock });
    // Better Auth captured the mailer at creation; route through a fresh auth instance.
    const { createAuth } = await import("../auth/auth");
    t.services.auth = createAuth({ env: t.env, db: t.db, mailer: t.services.mailer, logger: createLogger("silent"), clock: t.services.clock });
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

describe("mail without SMTP", () => {
  const link = "http://localhost:3999/api/auth/magic-link/verify?token=s3cr3t-magic-token";

  it("keeps mail in the dev mailbox and logs only its recipient and subject, never the text or its links", async () => {
    const log = captureLogger();
    const mailer = createMailer({ from: "x@y.z", db: t.db, logger: log.logger, clock: t.services.clock });
    await mailer.send({ to: "alice@example.com", subject: "Sign in to PingPilot", text: `Sign in: ${link}`, html: `<a href="${link}">Sign in</a>` });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ to: "alice@example.com", subject: "Sign in to PingPilot" });
    expect(log.text()).not.toContain("s3cr3t-magic-token");
    expect(log.text()).not.toContain("Sign in:");
    expect((await listDevMail(t.db)).some((m) => m.text_body.includes("s3cr3t-magic-token"))).toBe(true);
  });

  it("with DEV_MAILBOX=false drops the mail, storing nothing and logging recipient and subject only", async () => {
    const log = captureLogger();
    const before = (await listDevMail(t.db)).length;
    const mailer = createMailer({ from: "x@y.z", db: t.db, logger: log.logger, clock: t.services.clock, devMailbox: false });
    expect(mailer.mode).toBe("off");
    expect("devMailboxToken" in mailer).toBe(false);
    await mailer.send({ to: "bob@example.com", subject: "Reset your password", text: `Reset: ${link}` });
    expect((await listDevMail(t.db)).length).toBe(before);
    expect(log.lines).toEqual([expect.objectContaining({ level: LEVEL.warn, to: "bob@example.com", subject: "Reset your password", msg: expect.stringContaining("dropped") })]);
    expect(log.text()).not.toContain("s3cr3t-magic-token");
  });

  it("says at start where to read mail (the token URL), or that mail is dropped", () => {
    const dev = createMailer({ from: "x@y.z", db: t.db, logger: createLogger("silent"), clock: t.services.clock });
    const token = dev.mode === "dev-mailbox" ? dev.devMailboxToken : "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mailStartNotice(dev, "https://pp.example/")).toContain(`read mail at https://pp.example/dev/mailbox?token=${token} `);
    const off = createMailer({ from: "x@y.z", db: t.db, logger: createLogger("silent"), clock: t.services.clock, devMailbox: false });
    expect(mailStartNotice(off, "http://localhost:3000")).toMatch(/DEV_MAILBOX=false.*dropped.*recipient and subject/);
    expect(mailStartNotice(createMailer({ smtpUrl: smtp.url, from: "x@y.z", db: t.db, logger: createLogger("silent"), clock: t.services.clock }), "http://localhost:3000")).toBeUndefined();
  });

  it("accepts only the exact token", () => {
    const dev = createMailer({ from: "x@y.z", db: t.db, logger: createLogger("silent"), clock: t.services.clock });
    const token = dev.mode === "dev-mailbox" ? dev.devMailboxToken : "";
    expect(isDevMailboxToken(dev, token)).toBe(true);
    for (const wrong of [undefined, "", token.slice(1), `${token}=`, token.toUpperCase(), `${token} `]) expect(isDevMailboxToken(dev, wrong)).toBe(false);
    const off = createMailer({ from: "x@y.z", db: t.db, logger: createLogger("silent"), clock: t.services.clock, devMailbox: false });
    expect(isDevMailboxToken(off, token)).toBe(false);
    expect(isDevMailboxToken({ mode: "smtp", send: async () => {} }, token)).toBe(false);
  });
});
