/**
 * npm run bench:retention — deleting expired raw events on the SQLite default while ingest goes
 * on. Seeds BENCH_EVENTS (1,000,000) events over 60 days with EVENT_RETENTION_DAYS=30, so half
 * are expired (each expired one with a delivered delivery and its attempt, as notified events
 * have), then runs the API in a server process (the Hono app of `npm start`, where the retention
 * job also runs with WORKER=true) and sends events at BENCH_RATE (500) per second, open loop, in
 * alternating windows of BENCH_WINDOW_SECONDS (5) until every expired event is gone:
 *   a  ingest alone
 *   b  ingest while retention deletes (the job's batch size and pauses)
 * Interleaved, both see the same machine over the same minutes. Prints ingest p50/p90/p99 of
 * both, retention's events/s and time per batch, and checks that the totals, sums and day
 * buckets of the whole seeded range are the same after the deletion (read from the rollups).
 * BENCH_BATCH / BENCH_PAUSE_MS / BENCH_PAUSE_FACTOR try other batch sizes and pauses.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { sql } from "kysely";
import { parseEnv } from "@/env";
import { createApiKey } from "@/server/api-key/api-key.service";
import type { Db } from "@/server/db/db";
import { migrateToLatest } from "@/server/db/migrate";
import { seedDemo } from "@/server/demo/seed-demo";
import { createApp } from "@/server/http/app";
import { purgeExpiredEvents, RETENTION_BATCH_SIZE, RETENTION_PAUSE_FACTOR, RETENTION_PAUSE_MS, type RetentionResult } from "@/server/retention/retention.service";
import { closeServices, createServices } from "@/server/services";
import { DAY_MS } from "@/server/stats/rollup.service";
import { getCategoryStats } from "@/server/stats/stats.service";
import { root, sampleBodies, waitForPort } from "./support";

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
/** Seconds per window; windows alternate until retention is done. */
const WINDOW = Number(process.env.BENCH_WINDOW_SECONDS ?? 5);
const BATCH = Number(process.env.BENCH_BATCH ?? RETENTION_BATCH_SIZE);
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? RETENTION_PAUSE_MS);
const PAUSE_FACTOR = Number(process.env.BENCH_PAUSE_FACTOR ?? RETENTION_PAUSE_FACTOR);
const RETENTION_DAYS = 30;
const PORT = 3307;

const envFor = (dir: string) =>
  parseEnv({
    NODE_ENV: "production",
    PORT: String(PORT),
    APP_URL: `http://127.0.0.1:${PORT}`,
    DATABASE_URL: join(dir, "bench.db"),
    DATA_DIR: dir,
    AUTH_SECRET: "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    LOG_LEVEL: "warn",
    DEFAULT_PLAN: "PRO",
    EVENT_RETENTION_DAYS: String(RETENTION_DAYS),
    PLAN_EVENT_LIMIT: "100000000",
    API_RATE_LIMIT_PER_SECOND: "1000000",
    API_RATE_LIMIT_BURST: "1000000",
  });

type RunReport = { result: RetentionResult; ms: number; done: boolean; batchMs: number[] };

/**
 * The server process: the API on PORT, and retention under the parent's control: "run" starts
 * (or resumes) deleting, "pause" stops it after the batch in flight; each run is reported.
 */
async function serve(dir: string) {
  const s = createServices(envFor(dir));
  const server = createServer(getRequestListener(createApp(s).fetch));
  server.listen(PORT);
  let paused = false;
  let running: Promise<void> | undefined;
  process.on("message", (message) => {
    if (message === "pause") paused = true;
    if (message !== "run" || running) return;
    paused = false;
    const batchMs: number[] = [];
    const started = performance.now();
    running = purgeExpiredEvents(s, { batchSize: BATCH, pauseMs: PAUSE_MS, pauseFactor: PAUSE_FACTOR, shouldStop: () => paused, onBatch: (b) => batchMs.push(b.ms) }).then((result) => {
      running = undefined;
      process.send?.({ result, ms: performance.now() - started, done: !paused, batchMs } satisfies RunReport);
    });
  });
  process.on("SIGTERM", async () => {
    paused = true;
    await running;
    server.close();
    await closeServices(s);
    process.exit(0);
  });
}

/** Latencies (ms) of events sent at RATE per second for `seconds`, open loop: timed from when each was due, so a stall counts for every request it delays. */
async function load(key: string, seconds: number) {
  const bodies = sampleBodies();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  let failed = 0;
  const send = (due: number, body: string) =>
    new Promise<void>((resolve) => {
      const req = request({ host: "127.0.0.1", port: PORT, path: "/api/v1/events", method: "POST", agent, headers: { "content-type": "application/json", authorization: `Bearer ${key}` } }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 202) latencies.push(performance.now() - due);
          else failed++;
          resolve();
        });
      });
      req.on("error", () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  const total = Math.round(RATE * seconds);
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(due, bodies[i % bodies.length]!));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { latencies, failed };
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "pingpilot-retention-bench-"));
  const env = envFor(dir);
  const now = new Date();
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const cutoff = new Date(today - RETENTION_DAYS * DAY_MS).toISOString();
  // Closed days only: ingest during the bench adds to today, which is not compared.
  const range = { from: new Date(today - 2 * RETENTION_DAYS * DAY_MS), to: new Date(today) };

  const s = createServices(env);
  await migrateToLatest(s.db);
  const t0 = performance.now();
  const { workspace, categories } = await seedDemo(s, { total: TOTAL, days: 2 * RETENTION_DAYS, now, log: (l) => process.stdout.write(`\rseeding: ${l}          `) });
  // Expired events as notified ones are: one delivered webhook delivery with one attempt each.
  await s.db
    .insertInto("delivery")
    .columns(["id", "event_id", "workspace_id", "channel", "status", "attempts", "next_attempt_at", "delivered_at", "created_at", "updated_at"])
    .expression((eb) =>
      eb
        .selectFrom("event")
        .select([
          sql<string>`'d' || id`.as("id"),
          "id as event_id",
          "workspace_id",
          sql<string>`'webhook'`.as("channel"),
          sql<"DELIVERED">`'DELIVERED'`.as("status"),
          sql<number>`1`.as("attempts"),
          "created_at as next_attempt_at",
          "created_at as delivered_at",
          "created_at",
          "created_at as updated_at",
        ])
        .where("created_at", "<", cutoff),
    )
    .execute();
  await s.db
    .insertInto("delivery_attempt")
    .columns(["id", "delivery_id", "attempt", "outcome", "status_code", "duration_ms", "started_at"])
    .expression((eb) =>
      eb
        .selectFrom("delivery")
        .select([
          sql<string>`'a' || id`.as("id"),
          "id as delivery_id",
          sql<number>`1`.as("attempt"),
          sql<string>`'delivered'`.as("outcome"),
          sql<number>`200`.as("status_code"),
          sql<number>`40`.as("duration_ms"),
          "created_at as started_at",
        ]),
    )
    .execute();
  const expired = Number(
    (
      await s.db
        .selectFrom("event")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("created_at", "<", cutoff)
        .executeTakeFirstOrThrow()
    ).n,
  );
  // As the rollup job would have done day by day: the days' rollups exist before they expire.
  const totals = (db: Db) =>
    Promise.all(categories.map((c) => getCategoryStats(db, workspace.id, c.name, range.from, range.to, now).then((r) => ({ total: r.total, sums: r.sums, buckets: r.buckets }))));
  const before = await totals(s.db);
  const { key } = await createApiKey(s.db, workspace, "bench", now);
  await closeServices(s);
  console.log(`\nseeded ${TOTAL} events (${expired} expired, each with a delivery and an attempt) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const child = spawn(join(root, "node_modules/.bin/tsx"), [join(root, "bench/retention.ts"), "--serve", dir], { cwd: root, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const reports: RunReport[] = [];
  child.on("message", (m) => reports.push(m as RunReport));
  const nextReport = async (count: number) => {
    while (reports.length < count) await new Promise((r) => setTimeout(r, 5));
    return reports[count - 1]!;
  };
  try {
    await waitForPort(PORT, "/api/health", child);
    await load(key, 3); // warm-up
    // Windows of WINDOW seconds, alternating: ingest alone, then ingest while retention runs, until
    // every expired event is gone. Both see the same machine over the same minutes.
    const alone: number[] = [];
    const during: number[] = [];
    let failed = 0;
    let deleted = 0;
    let activeMs = 0;
    let batches = 0;
    let rollups = 0;
    const batchMs: number[] = [];
    let windows = 0;
    for (let done = false; !done; ) {
      const a = await load(key, WINDOW);
      alone.push(...a.latencies);
      child.send("run");
      const b = await load(key, WINDOW);
      during.push(...b.latencies);
      failed += a.failed + b.failed;
      child.send("pause");
      const report = await nextReport(++windows);
      done = report.done;
      deleted += report.result.events;
      activeMs += report.ms;
      batches += report.result.batches;
      rollups += report.result.rollupsComputed;
      batchMs.push(...report.batchMs);
      process.stdout.write(`\rwindow ${windows}: ${deleted} / ${expired} expired events deleted          `);
    }

    const check = createServices(env);
    const after = await totals(check.db);
    const left = Number(
      (
        await check.db
          .selectFrom("event")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("created_at", "<", cutoff)
          .executeTakeFirstOrThrow()
      ).n,
    );
    await closeServices(check);

    console.log(`\n\nretention, SQLite, ${TOTAL} events seeded over 60 days, EVENT_RETENTION_DAYS=${RETENTION_DAYS}; batch ${BATCH} rows, pause max(${PAUSE_MS} ms, ${PAUSE_FACTOR} × batch time)`);
    console.log(`ingest at ${RATE} events/s (open loop), ${windows} × ${WINDOW} s windows of each, interleaved\n`);
    console.log("                                    requests   p50 ms   p90 ms   p99 ms   max ms");
    for (const [name, l] of [
      ["a  ingest alone", alone],
      ["b  ingest while retention deletes", during],
    ] as const) {
      const sorted = l.sort((x, y) => x - y);
      const f = (q: number) => percentile(sorted, q).toFixed(1).padStart(8);
      console.log(`${name.padEnd(34)} ${String(sorted.length).padStart(10)} ${f(0.5)} ${f(0.9)} ${f(0.99)} ${(sorted.at(-1) ?? 0).toFixed(1).padStart(8)}`);
    }
    if (failed) console.log(`(${failed} requests not answered 202)`);
    const p99 = (l: number[]) => percentile(l, 0.99);
    const sortedBatches = batchMs.sort((x, y) => x - y);
    console.log(
      `\ndeleted ${deleted} expired events (+ ${deleted} deliveries, ${deleted} attempts) in ${(activeMs / 1000).toFixed(1)} s of retention under load: ${Math.round(deleted / (activeMs / 1000))} events/s; ${batches} batches, ${rollups} rollups computed`,
    );
    console.log(
      `time per batch (select, rollup check, delete; the longest the event loop is held): p50 ${percentile(sortedBatches, 0.5).toFixed(1)} ms, p99 ${percentile(sortedBatches, 0.99).toFixed(1)} ms, max ${(sortedBatches.at(-1) ?? 0).toFixed(1)} ms`,
    );
    console.log(`expired events left: ${left}`);
    const same = JSON.stringify(after) === JSON.stringify(before);
    console.log(`totals, sums and day buckets of the 60 days, all categories, before = after: ${same ? "yes" : "NO"}`);
    console.log(`ingest p99 with retention / without: ${(p99(during) / Math.max(0.1, p99(alone))).toFixed(2)}   (ingest target: p99 < 25 ms)`);
    if (!same || left > 0 || failed > 0) process.exitCode = 1;
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--serve") await serve(process.argv[3]!);
else await main();
