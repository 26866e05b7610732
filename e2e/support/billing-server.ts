import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStripeFake, type StripeFake } from "../../tests/fakes/stripe.fake";
import { createTestDatabase } from "../../tests/support/test-database";
import { waitForHealth } from "./global-setup";
import { BILLING_BASE_URL, BILLING_E2E_PORT, MAIL_DIR, STRIPE_FAKE_PORT } from "./ports";
import { startSmtpServer } from "./smtp";

const root = new URL("../../", import.meta.url).pathname;

/** What the billing server is configured with, for the spec to assert against. */
export const BILLING_SERVER = {
  /** FREE is the default plan with billing on; its event limit is made small so a test reaches it quickly. */
  freeEventLimit: 5,
  /** A failed payment keeps the paid plan this long. */
  graceSeconds: 15,
  sweepIntervalSeconds: 1,
} as const;

export type BillingServer = { baseUrl: string; stripe: StripeFake; close: () => Promise<void> };

/**
 * A second PingPilot (the same production build global setup made and runs) with billing on,
 * talking to the Stripe fake, which sends its signed webhooks to this server. Every other spec
 * keeps the billing-off server of global setup. Time-based changes are seconds here, through the
 * operator settings alone: the grace period (BILLING_GRACE_SECONDS) and the billing sweep
 * (BILLING_SWEEP_INTERVAL_SECONDS); a period end is whatever the fake's subscription says.
 * Mail goes to an SMTP server writing into the same folder as global setup's, so the mailbox
 * helpers read it.
 */
export async function startBillingServer(): Promise<BillingServer> {
  const stripe = await startStripeFake({ port: STRIPE_FAKE_PORT, webhook: `${BILLING_BASE_URL}/api/webhooks/stripe` });
  const smtp = await startSmtpServer(MAIL_DIR);
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "pingpilot-e2e-billing-"));
  const server = spawn(process.execPath, ["dist/main.js"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(BILLING_E2E_PORT),
      APP_URL: BILLING_BASE_URL,
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      ...stripe.env,
      DEFAULT_PLAN: "FREE",
      PLAN_EVENT_LIMIT: String(BILLING_SERVER.freeEventLimit),
      BILLING_GRACE_SECONDS: String(BILLING_SERVER.graceSeconds),
      BILLING_SWEEP_INTERVAL_SECONDS: String(BILLING_SERVER.sweepIntervalSeconds),
      AUTH_THROTTLE_IP_MAX: "10000",
      AUTH_THROTTLE_ACCOUNT_MAX: "50",
      API_RATE_LIMIT_BURST: "1000",
      API_RATE_LIMIT_PER_SECOND: "1000",
    },
  });
  try {
    await waitForHealth(server, BILLING_BASE_URL);
  } catch (err) {
    server.kill("SIGKILL");
    await Promise.all([stripe.close(), smtp.close(), database.drop()]);
    throw err;
  }

  return {
    baseUrl: BILLING_BASE_URL,
    stripe,
    async close() {
      server.kill("SIGTERM");
      const code = await new Promise<number | null>((r) => (server.exitCode !== null ? r(server.exitCode) : server.once("exit", (c) => r(c))));
      await Promise.all([stripe.close(), smtp.close()]);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`the billing PingPilot exited with code ${code} after SIGTERM (expected a clean 0)`);
    },
  };
}
