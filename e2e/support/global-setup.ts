import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer } from "../../esbuild.config";
import { createTestDatabase } from "../../tests/support/test-database";
import { startOidcProvider, OIDC_CLIENT } from "./oidc";
import { DISCORD_FAKE_BOT_TOKEN, DISCORD_FAKE_PORT, E2E_BASE_URL, E2E_PORT, MAIL_DIR, OIDC_ISSUER, OIDC_NAME, STATE_DIR } from "./ports";
import { startSmtpServer } from "./smtp";

const root = new URL("../../", import.meta.url).pathname;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `npm run build`'s two halves: `next build` only when the sources changed since the last build
 * (CI runs the suite twice); the server entries always (half a second), so a stale dist/ is never run.
 */
async function ensureBuild() {
  const buildId = join(root, ".next/BUILD_ID");
  if (!existsSync(buildId) || statSync(buildId).mtimeMs <= newestMtime(join(root, "src"))) {
    const result = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit" });
    if (result.status !== 0) throw new Error("next build failed");
  }
  await buildServer();
}

/** Resolves once the PingPilot process `child` answers /api/health at `baseUrl` (the billing spec starts a second one). */
export async function waitForHealth(child: ChildProcess, baseUrl = E2E_BASE_URL) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`PingPilot exited with code ${child.exitCode} during start-up`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("PingPilot did not become healthy within 60 s");
}

export default async function globalSetup() {
  await ensureBuild();
  rmSync(STATE_DIR, { recursive: true, force: true });
  const smtp = await startSmtpServer(MAIL_DIR);
  const oidc = await startOidcProvider(OIDC_ISSUER, `${E2E_BASE_URL}/api/auth/callback/oidc`);
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "pingpilot-e2e-"));

  // `npm start`: plain node on the compiled entry.
  const server = spawn(process.execPath, ["dist/main.js"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(E2E_PORT),
      APP_URL: E2E_BASE_URL,
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      OIDC_ISSUER,
      OIDC_CLIENT_ID: OIDC_CLIENT.id,
      OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
      OIDC_NAME,
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      // The notification tests point channels at fakes on 127.0.0.1 over http.
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
      // The Discord DM spec starts the Discord fake here and reads the codes the bot DMs.
      DISCORD_BOT_TOKEN: DISCORD_FAKE_BOT_TOKEN,
      DISCORD_API_URL: `http://127.0.0.1:${DISCORD_FAKE_PORT}/api/v10`,
      // Every browser test signs in from 127.0.0.1; the throttle itself is covered by the HTTP tests.
      AUTH_THROTTLE_IP_MAX: "10000",
      AUTH_THROTTLE_ACCOUNT_MAX: "50",
      // Tests send bursts of events; the rate limiter itself is covered by the HTTP tests.
      API_RATE_LIMIT_BURST: "1000",
      API_RATE_LIMIT_PER_SECOND: "1000",
    },
  });
  await waitForHealth(server);

  return async () => {
    // SIGTERM must drain and exit cleanly.
    server.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => server.once("exit", (c) => r(c)));
    await Promise.all([smtp.close(), oidc.close()]);
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`PingPilot exited with code ${code} after SIGTERM (expected a clean 0)`);
  };
}
