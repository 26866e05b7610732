/**
 * What the shared (PostgreSQL) rate limit costs per request: the statement that takes a token,
 * alone, on a fresh database. `DATABASE_URL=postgres://… npx tsx bench/rate-limit.ts`
 *
 * - the floor: `select 1`, one round trip that does nothing;
 * - one connection, one request after another: the latency a request pays;
 * - the pool (10 connections), many keys: the most statements per second the server gives;
 * - the pool, one hot key: every statement waits for the row lock of the one before;
 * - the API key form (checks the key is active in the same statement);
 * - the same with the tables logged, to show what `unlogged` saves.
 */
import { mkdtempSync } from "node:fs";
import { resolveWorkspace } from "@/server/workspace/workspace.service";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { parseEnv } from "@/env";
import { createApiKey } from "@/server/api-key/api-key.service";
import { createDb, type Db } from "@/server/db/db";
import { migrateToLatest } from "@/server/db/migrate";
import { createPgApiKeyRateLimiter, createPgRateLimiter } from "@/server/security/limits.postgres";
import { ensureAppUser } from "@/server/user/user.service";

const base = process.env.DATABASE_URL;
if (!base || !/^postgres(ql)?:\/\//.test(base)) {
  console.error("Set DATABASE_URL=postgres://… (a database is created and dropped on that server).");
  process.exit(1);
}
const name = `pp_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database "${name}"`);
const url = new URL(base);
url.pathname = `/${name}`;
const env = parseEnv({ DATABASE_URL: url.toString(), DATA_DIR: mkdtempSync(join(tmpdir(), "pingpilot-bench-")), AUTH_SECRET: "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz" });
const db = createDb(env.database);

type Take = (key: string) => Promise<unknown>;

/** Runs `take` for `ms` with `concurrency` callers; statements per second and the median latency. */
async function measure(take: Take, opts: { concurrency: number; keys: number; ms: number }) {
  const latencies: number[] = [];
  const until = performance.now() + opts.ms;
  let n = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        await take(`k${n++ % opts.keys}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { perSecond: Math.round(latencies.length / (opts.ms / 1000)), p50: latencies[Math.floor(latencies.length / 2)]!, p99: latencies[Math.floor(latencies.length * 0.99)]! };
}

async function run(label: string, take: Take, opts: { concurrency: number; keys: number }) {
  await measure(take, { ...opts, ms: 500 }); // warm-up
  const r = await measure(take, { ...opts, ms: 3000 });
  console.log(`${label.padEnd(58)} ${String(r.perSecond).padStart(7)} statements/s   p50 ${r.p50.toFixed(3)} ms   p99 ${r.p99.toFixed(3)} ms`);
}

async function suite(db: Db, keyId: string, tables: string) {
  const now = () => Date.now();
  const onError = (err: unknown) => console.error(err);
  const plain = createPgRateLimiter({ db, now, onError }, { perSecond: 1e6, burst: 1e6, scope: `bench-${tables}` });
  const apiKey = createPgApiKeyRateLimiter({ db, now, onError }, { perSecond: 1e6, burst: 1e6 });
  await run(`${tables}: 1 connection, sequential, 1,000 keys`, plain.take, { concurrency: 1, keys: 1000 });
  await run(`${tables}: pool of 10, 32 callers, 10,000 keys`, plain.take, { concurrency: 32, keys: 10_000 });
  await run(`${tables}: pool of 10, 32 callers, one hot key`, plain.take, { concurrency: 32, keys: 1 });
  await run(`${tables}: API key form (active-key check), 1 connection`, () => apiKey.take(keyId), { concurrency: 1, keys: 1 });
  await run(`${tables}: API key form (active-key check), pool, 32 callers`, () => apiKey.take(keyId), { concurrency: 32, keys: 1 });
}

try {
  await migrateToLatest(db);
  const user = await ensureAppUser(db, { externalId: "bench-user", email: "bench@example.com", name: "Bench" }, "PRO", new Date());
  const { id } = await createApiKey(db, await resolveWorkspace(db, user, {}, "PRO", new Date()), "bench", new Date());
  const { rows } = await sql<{ server_version: string }>`show server_version`.execute(db);
  console.log(`PostgreSQL ${rows[0]!.server_version}, synchronous_commit as configured; one take = one statement (one round trip)\n`);
  await run("floor: `select 1`, 1 connection, sequential", () => sql`select 1`.execute(db), { concurrency: 1, keys: 1 });
  await suite(db, id, "unlogged");
  await sql`alter table rate_limit_bucket set logged`.execute(db);
  await suite(db, id, "logged");
} finally {
  await db.destroy();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
