/**
 * npm run bench:ingest — the public ingest endpoint measured side by side in one run:
 *   a   PingPilot (npm start), group commit on (the default)
 *   a'  the same with INGEST_GROUP_COMMIT=false (one transaction per event)
 *   b   a bare node:http server doing the same SQL (bench/baseline/bare-http.ts, bare-pg.ts)
 *   c   the same handler inside a Next.js route handler (SQLite only)
 * plus POST /api/v1/events/batch in events/s. Prints req/s, p50/p99, the server's peak RSS
 * during the load, and the ratios against the targets.
 *
 * On the SQLite default; BENCH_DB=postgres runs a, a' and b against PostgreSQL (a scratch
 * database per server on BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { buildServer } from "../esbuild.config";
import { benchEnv, buildNext, load, root, sampleBodies, seedDatabase, start, stop, waitForPort, type Result } from "./support";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 100);
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 10);
const POSTGRES = process.env.BENCH_DB === "postgres";
const PG_BASE = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const tsx = join(root, "node_modules/.bin/tsx");
const next = join(root, "node_modules/.bin/next");

type Measured = Result & { rssMb: number };

/** Resident memory of a process and its children (a launcher such as tsx runs the server as a child), in MB. */
function treeRssMb(pid: number) {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let kb = 0;
  for (const stack = [pid]; stack.length; ) {
    const p = stack.pop()!;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
    stack.push(...(children.get(p) ?? []));
  }
  return kb / 1024;
}

/** A database for one server: a SQLite file, or a scratch PostgreSQL database dropped afterwards. */
async function database() {
  if (!POSTGRES) return { url: undefined, drop: async () => {} };
  const name = `pp_bench_${Date.now().toString(36)}_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

async function measure(
  name: string,
  port: number,
  launch: (env: NodeJS.ProcessEnv) => ReturnType<typeof start>,
  opts: { path?: string; bodies?: string[]; expect?: number; connections?: number; env?: Record<string, string> } = {},
): Promise<Measured> {
  const scratch = await database();
  const db = await seedDatabase(scratch.url);
  const child = launch({ ...benchEnv(db, port), ...opts.env });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssMb(child.pid!))), 200);
  try {
    await waitForPort(port, "/", child);
    const url = `http://127.0.0.1:${port}${opts.path ?? "/api/v1/events"}`;
    const bodies = opts.bodies ?? sampleBodies();
    const probe = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${db.key}` }, body: bodies[0] });
    if (probe.status !== (opts.expect ?? 202)) throw new Error(`${name}: probe answered ${probe.status} ${await probe.text()}`);
    const connections = opts.connections ?? CONNECTIONS;
    await load(name, url, db.key, bodies, 2, connections); // warm-up
    peak = 0; // the peak under the measured load, after the warm-up
    const result = await load(name, url, db.key, bodies, SECONDS, connections);
    return { ...result, rssMb: Math.max(peak, treeRssMb(child.pid!)) };
  } finally {
    clearInterval(sampler);
    await stop(child);
    await scratch.drop();
  }
}

/** Batches of BATCH_SIZE realistic events. */
function batchBodies(n = 16) {
  const events = sampleBodies(BATCH_SIZE).map((b) => JSON.parse(b) as unknown);
  return Array.from({ length: n }, (_, i) => JSON.stringify({ events: events.map((e, j) => events[(i + j) % events.length] ?? e) }));
}

if (!existsSync(join(root, ".next/BUILD_ID"))) buildNext(".");
await buildServer();
if (!POSTGRES && !existsSync(join(root, "bench/next-baseline/.next/BUILD_ID"))) buildNext("bench/next-baseline");

// As npm start runs it (the heap cap keeps V8 from growing the heap 4× before collecting: docs/adr/0003).
const startA = (env: NodeJS.ProcessEnv) => start(process.execPath, ["--max-old-space-size=512", "dist/main.js"], env);
const a = await measure("a  PingPilot (npm start)", 3301, startA);
const a0 = await measure("a' same, INGEST_GROUP_COMMIT=false", 3304, startA, { env: { INGEST_GROUP_COMMIT: "false" } });
const b = POSTGRES
  ? await measure("b  bare node:http + pg, same SQL", 3302, (env) => start(tsx, ["bench/baseline/bare-pg.ts"], env))
  : await measure("b  bare node:http, same SQL", 3302, (env) => start(tsx, ["bench/baseline/bare-http.ts"], env));
const c = POSTGRES ? undefined : await measure("c  same handler in a Next.js route", 3303, (env) => start(next, ["start", "bench/next-baseline", "-p", env.PORT!], env));
const batch = await measure(`a  POST /events/batch (${BATCH_SIZE} per request)`, 3305, startA, {
  path: "/api/v1/events/batch",
  bodies: batchBodies(),
  expect: 200,
  connections: BATCH_CONNECTIONS,
});

const results = [a, a0, b, ...(c ? [c] : [])];
console.log(`\ningest, ${POSTGRES ? "PostgreSQL" : "SQLite"}, ${SECONDS}s at ${CONNECTIONS} connections after a 2 s warm-up, realistic events (3–6 fields)\n`);
console.log("target                                   req/s    p50 ms   p99 ms   non-2xx  errors  peak RSS MB");
const row = (r: Measured, rps = r.rps) =>
  console.log(
    `${r.name.padEnd(38)} ${rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.non2xx).padStart(9)} ${String(r.errors).padStart(7)} ${r.rssMb.toFixed(0).padStart(12)}`,
  );
for (const r of results) row(r);
console.log(
  `\nbatch: ${(batch.rps * BATCH_SIZE).toFixed(0)} events/s (${batch.rps.toFixed(0)} req/s × ${BATCH_SIZE} at ${BATCH_CONNECTIONS} connections, p99 ${batch.p99} ms, non-2xx ${batch.non2xx}, peak RSS ${batch.rssMb.toFixed(0)} MB)`,
);
console.log(`\na/b  = ${(a.rps / b.rps).toFixed(2)}   with group commit      (target ≥ 0.8)`);
console.log(`a'/b = ${(a0.rps / b.rps).toFixed(2)}   without group commit`);
if (c) console.log(`a/c  = ${(a.rps / c.rps).toFixed(2)}   (target ≥ 10)`);
console.log(`p99(a) = ${a.p99} ms   (target < 25 ms)`);
console.log(`peak RSS(a) = ${a.rssMb.toFixed(0)} MB   (target < 300 MB)`);
