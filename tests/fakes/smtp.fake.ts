/**
 * A local SMTP server (smtp-server) for the email channel and dev-fakes: records each mail with
 * its subject and its text and HTML parts decoded, and can refuse recipients with a scripted
 * SMTP reply (e.g. 550 → permanent, 451 → retry).
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; raw: string; subject: string; text?: string; html?: string };
export type SmtpFailure = { code: number; message?: string };

export type SmtpFake = {
  /** What SMTP_URL should be. */
  url: string;
  port: number;
  received: ReceivedMail[];
  /** The next RCPT TO commands are answered with these replies, in order. */
  failNext(failures: SmtpFailure[]): void;
  clearFailures(): void;
  reset(): void;
  onMail(listener: (mail: ReceivedMail) => void): () => void;
  close(): Promise<void>;
};

export async function startSmtpFake(opts: { port?: number } = {}): Promise<SmtpFake> {
  const received: ReceivedMail[] = [];
  let scripted: SmtpFailure[] = [];
  const listeners = new Set<(mail: ReceivedMail) => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      const failure = scripted.shift();
      if (!failure) return callback();
      const error = Object.assign(new Error(failure.message ?? (failure.code >= 500 ? "5.1.1 Mailbox unavailable" : "4.2.0 Try again later")), { responseCode: failure.code });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...decodeMail(raw),
        };
        received.push(mail);
        callback();
        for (const listener of listeners) listener(mail);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    failNext: (failures) => void scripted.push(...failures),
    clearFailures: () => void (scripted = []),
    reset() {
      received.length = 0;
      scripted = [];
    },
    onMail(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Just enough MIME to read what nodemailer sends: headers, multipart, base64 / quoted-printable, RFC 2047 subjects. */
export function decodeMail(raw: string): { subject: string; text?: string; html?: string } {
  const parts: { text?: string; html?: string } = {};
  const { headers, body } = splitEntity(raw);
  collectParts(headers, body, parts);
  return { subject: decodeWords(headers.subject ?? ""), ...parts };
}

function splitEntity(entity: string) {
  const at = entity.search(/\r?\n\r?\n/);
  const head = at < 0 ? entity : entity.slice(0, at);
  const body = at < 0 ? "" : entity.slice(at).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function collectParts(headers: Record<string, string>, body: string, out: { text?: string; html?: string }) {
  const type = headers["content-type"] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith("--")) break;
      const part = splitEntity(section.replace(/^\r?\n/, ""));
      collectParts(part.headers, part.body, out);
    }
    return;
  }
  const encoding = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  const decoded = encoding === "base64" ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8") : encoding === "quoted-printable" ? decodeQuotedPrintable(body) : body;
  const content = decoded.replace(/\r\n/g, "\n").replace(/\n$/, "");
  if (/^text\/html/i.test(type)) out.html ??= content;
  else if (/^text\/plain/i.test(type)) out.text ??= content;
}

function decodeQuotedPrintable(text: string) {
  const source = text.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const hex = source.slice(i + 1, i + 3);
    if (source[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(source.charCodeAt(i) & 0xff);
    }
  }
  // Decoded as one buffer so multi-byte UTF-8 sequences come back whole.
  return Buffer.from(bytes).toString("utf8");
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`); adjacent words join without the space between them. */
function decodeWords(value: string) {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === "B" ? Buffer.from(data, "base64").toString("utf8") : decodeQuotedPrintable(data.replace(/_/g, " ")),
    );
}
