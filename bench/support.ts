import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { resolveWorkspace } from "@/server/workspace/workspace.service";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { parseEnv } from "@/env";
import { createApiKey } from "@/server/api-key/api-key.service";
import { createCategory } from "@/server/category/category.service";
import { createDb } from "@/server/db/db";
import { migrateToLatest } from "@/server/db/migrate";
import { ensureAppUser } from "@/server/user/user.service";

export const root = new URL("../", import.meta.url).pathname;

/** A fresh SQLite database (or the empty PostgreSQL database at `databaseUrl`) with one user, one API key and one category. */
export async function seedDatabase(databaseUrl?: string) {
  const dir = mkdtempSync(join(tmpdir(), "pingpilot-bench-"));
  const file = databaseUrl ?? join(dir, "bench.db");
  const env = parseEnv({ DATABASE_URL: file, DATA_DIR: dir, AUTH_SECRET: "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz" });
  const db = createDb(env.database);
  await migrateToLatest(db);
  const user = await ensureAppUser(db, { externalId: "bench-user", email: "bench@example.com", name: "Bench" }, "PRO", new Date());
  const workspace = await resolveWorkspace(db, user, {}, "PRO", new Date());
  const { key } = await createApiKey(db, workspace, "bench", new Date());
  await createCategory({ db, env, clock: () => new Date() }, workspace, { name: "sale", color: "#FFEB3B", emoji: "💰" });
  await db.destroy();
  return { dir, file, key };
}

/** Realistic events: 3–6 fields of mixed types. */
export function sampleBodies(n = 64) {
  const plans = ["FREE", "PRO", "ENTERPRISE"];
  return Array.from({ length: n }, (_, i) => {
    const fields: Record<string, string | number | boolean> = { plan: plans[i % 3]!, amount: 9 + (i % 40), email: `user${i}@example.com` };
    if (i % 2) fields.country = ["DE", "US", "FR", "JP"][i % 4]!;
    if (i % 3) fields.trial = i % 2 === 0;
    if (i % 4 === 1) fields.coupon = `SAVE${i}`;
    return JSON.stringify({ category: "sale", description: `Order #${1000 + i} paid`, fields });
  });
}

export const benchEnv = (db: { dir: string; file: string }, port: number): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: "production",
  PORT: String(port),
  APP_URL: `http://127.0.0.1:${port}`,
  DATABASE_URL: db.file,
  DATA_DIR: db.dir,
  AUTH_SECRET: "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz",
  LOG_LEVEL: "warn",
  NEXT_TELEMETRY_DISABLED: "1",
  PLAN_EVENT_LIMIT: "100000000",
  API_RATE_LIMIT_PER_SECOND: "1000000",
  API_RATE_LIMIT_BURST: "1000000",
});

export function start(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): ChildProcess {
  return spawn(command, args, { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
}

export async function waitForPort(port: number, path = "/", child?: ChildProcess) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server on ${port} exited with ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}${path}`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`nothing listening on ${port}`);
}

export function stop(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export function buildNext(dir: string) {
  const result = spawnSync(join(root, "node_modules/.bin/next"), ["build", dir], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`next build ${dir} failed`);
}

export type Result = { name: string; rps: number; p50: number; p99: number; non2xx: number; errors: number };

/** `seconds` of load at `connections` concurrent connections, cycling through the bodies. */
export async function load(name: string, url: string, key: string, bodies: string[], seconds: number, connections: number): Promise<Result> {
  let i = 0;
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: seconds,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}
