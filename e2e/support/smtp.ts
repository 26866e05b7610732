import { mkdirSync, writeFileSync } from "node:fs";
import { startSmtpFake } from "../../tests/fakes/smtp.fake";

/** A real SMTP server (the tests' fake) that writes each received message to a JSON file the browser tests read. */
export async function startSmtpServer(dir: string) {
  mkdirSync(dir, { recursive: true });
  const smtp = await startSmtpFake();
  let n = 0;
  smtp.onMail((mail) => writeFileSync(`${dir}${Date.now()}-${String(++n).padStart(4, "0")}.json`, JSON.stringify({ to: mail.to, raw: mail.raw })));
  return { port: smtp.port, close: () => smtp.close() };
}
