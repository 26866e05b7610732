/**
 * npm run bench:monitors — monitor evaluation at scale, in the worker's process as main.ts runs it
 * (WORKER=true), on the SQLite default or, with BENCH_DB=postgres, on a scratch PostgreSQL database
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 *
 * Seeds BENCH_EVENTS (1,000,000) events over the last 24 h in 500 categories of 50 workspaces
 * (each with a webhook destination, so alerts write outbox rows) and BENCH_MONITORS (10,000)
 * monitors: 90 % heartbeats (every 1 min … 1 h, log-uniform, a third with a filter; their last
 * deadline check at a random point of their period, as in a steady state) and 10 % thresholds
 * (count and sum over 10 min … 24 h windows, some filtered, a few that fire). Then:
 *   warm-up   every threshold evaluated once (they start due);
 *   a         BENCH_SECONDS (60) of ingest at BENCH_RATE (10) events/s, no monitor job;
 *   b         the same with the monitor job running (started before, and caught up with what
 *             came due during a), while 200 more heartbeats (on silent categories) reach their
 *             down time spread over the first 55 s of the minute.
 * Prints the process CPU of a and b (b − a: what evaluating costs per minute), evaluations
 * committed, and the alert latency of the 200 (from each one's down time to the monitor's
 * "down" live message; target p99 < 30 s), each alerted exactly once. On PostgreSQL the
 * database server's own CPU is not in these figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { sql } from "kysely";
import { parseEnv } from "@/env";
import type { Insertable } from "kysely";
import type { Db } from "@/server/db/db";
import type { MonitorTable } from "@/server/db/types";
import { newId } from "@/server/db/id";
import { migrateToLatest } from "@/server/db/migrate";
import { analyzeEvents, insertEventRows } from "@/server/event/event.queries";
import { ingestEvent } from "@/server/event/event.service";
import { evaluateDueMonitors } from "@/server/monitor/monitor.evaluate";
import { startMonitorJob } from "@/server/monitor/monitor.job";
import { closeServices, createServices, type Services } from "@/server/services";

const POSTGRES = process.env.BENCH_DB === "postgres";
const PG_BASE = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const MONITORS = Number(process.env.BENCH_MONITORS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RATE = Number(process.env.BENCH_RATE ?? 10);
const WORKSPACES = 50;
const CATEGORIES_PER_WORKSPACE = 10;
const SILENT = 200;
const DAY = 86_400_000;

/** Deterministic pseudo-random numbers (the demo seed's), so every run seeds the same data. */
function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(7);
const iso = (ms: number) => new Date(ms).toISOString();
const log = (line: string) => console.log(`[${POSTGRES ? "PostgreSQL" : "SQLite"}] ${line}`);

async function database() {
  const dir = mkdtempSync(join(tmpdir(), "pingpilot-monitors-bench-"));
  if (!POSTGRES) return { url: join(dir, "bench.db"), dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  const name = `pp_bench_monitors_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dir,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Category = { id: string; workspaceId: string; name: string };

async function insertInBatches<T>(rows: T[], size: number, insert: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/** Workspaces (each with a webhook destination), their busy categories, and the events. */
async function seed(db: Db, now: number) {
  const at = iso(now - 2 * DAY);
  const workspaces = Array.from({ length: WORKSPACES }, (_, i) => ({ id: newId(), name: `Bench ${i}`, slug: `bench-${i}`, plan: "ENTERPRISE" as const, created_at: at, updated_at: at }));
  await db.insertInto("workspace").values(workspaces).execute();
  await db
    .insertInto("workspace_destination")
    .values(
      workspaces.map((w) => ({
        workspace_id: w.id,
        channel: "webhook",
        enabled: 1,
        config: JSON.stringify({ url: "https://hooks.example.com/pingpilot", secret: "whsec_bench" }),
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
  const categories: Category[] = workspaces.flatMap((w) => Array.from({ length: CATEGORIES_PER_WORKSPACE }, (_, i) => ({ id: newId(), workspaceId: w.id, name: `busy-${i}` })));
  await db
    .insertInto("category")
    .values(categories.map((c) => ({ id: c.id, workspace_id: c.workspaceId, name: c.name, color: "#54A0FF", emoji: null, created_at: at, updated_at: at })))
    .execute();

  const batch = POSTGRES ? 1000 : 2000;
  const started = performance.now();
  for (let done = 0; done < EVENTS; done += batch) {
    const rows = Array.from({ length: Math.min(batch, EVENTS - done) }, (_, j) => {
      const time = iso(now - DAY + Math.floor(((done + j) / EVENTS) * (DAY - 5_000)));
      const c = categories[Math.floor(random() * categories.length)]!;
      const fields = { status: random() < 0.97 ? "ok" : "fail", amount: Math.round(random() * 10000) / 100 };
      return {
        id: newId(),
        workspace_id: c.workspaceId,
        category_id: c.id,
        description: "bench",
        fields: JSON.stringify(fields),
        tags: "[]",
        notify: 0,
        status: "STORED" as const,
        occurred_at: time,
        created_at: time,
      };
    });
    await insertEventRows(db, rows);
    if (done % 100_000 === 0) process.stdout.write(`\r  seeding events: ${done.toLocaleString("en")} / ${EVENTS.toLocaleString("en")}`);
  }
  await analyzeEvents(db);
  process.stdout.write("\n");
  log(`seeded ${EVENTS.toLocaleString("en")} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { workspaces, categories };
}

type MonitorRow = Insertable<MonitorTable>;

function monitorRow(
  c: Category,
  name: string,
  kind: "heartbeat" | "threshold",
  config: object,
  filter: object | null,
  now: number,
  schedule: { state: "up" | "ok"; lastEventAt: number | null; nextCheckAt: number },
): MonitorRow {
  return {
    id: newId(),
    workspace_id: c.workspaceId,
    category_id: c.id,
    name,
    kind,
    config: JSON.stringify(config),
    filter: filter ? JSON.stringify(filter) : null,
    renotify_seconds: null,
    paused: 0,
    state: schedule.state,
    state_since: iso(now - DAY),
    next_check_at: iso(schedule.nextCheckAt),
    last_event_at: schedule.lastEventAt === null ? null : iso(schedule.lastEventAt),
    created_at: iso(now - DAY),
    updated_at: iso(now - DAY),
  };
}

/** 90 % heartbeats in a steady state (the last check at a random point of the period), 10 % thresholds, due now. */
async function seedMonitors(db: Db, categories: Category[], now: number) {
  const rows: MonitorRow[] = [];
  const thresholds = Math.round(MONITORS * 0.1);
  for (let i = 0; i < MONITORS - thresholds; i++) {
    const c = categories[i % categories.length]!;
    const every = Math.round(60 * 60 ** random());
    const grace = 60 + Math.floor(random() * 540);
    const next = now + Math.floor(random() * every * 1000);
    const filter = i % 3 === 0 ? { field: "status", equals: "ok" } : null;
    rows.push(monitorRow(c, `Heartbeat ${i}`, "heartbeat", { every, graceSeconds: grace }, filter, now, { state: "up", lastEventAt: next - every * 1000, nextCheckAt: next }));
  }
  for (let i = 0; i < thresholds; i++) {
    const c = categories[(i * 7) % categories.length]!;
    const windowSeconds = [600, 3600, 86400][i % 3]!;
    const config =
      i % 4 === 0
        ? { aggregate: "count", windowSeconds, op: ">=", bound: 100_000 }
        : i % 4 === 1
          ? { aggregate: "sum", field: "amount", windowSeconds, op: "<", bound: 1 }
          : i % 4 === 2
            ? { aggregate: "avg", field: "amount", windowSeconds, op: ">", bound: 1_000 }
            : { aggregate: "count", windowSeconds: 600, op: ">=", bound: 2 };
    const filter = i % 4 === 3 ? { field: "status", equals: "fail" } : null;
    rows.push(monitorRow(c, `Threshold ${i}`, "threshold", config, filter, now, { state: "ok", lastEventAt: null, nextCheckAt: now }));
  }
  await insertInBatches(rows, 500, (b) => db.insertInto("monitor").values(b).execute());
  return { heartbeats: MONITORS - thresholds, thresholds };
}

/**
 * SILENT heartbeats (every 5 min, 60 s grace), each on a category of its own whose last event
 * makes it go down at start + 5 s … start + 55 s. Returns each one's down time.
 */
async function seedSilent(db: Db, workspaces: { id: string }[], start: number) {
  const downAt = new Map<string, number>();
  const categories: Category[] = [];
  const events = [];
  const monitors: MonitorRow[] = [];
  for (let i = 0; i < SILENT; i++) {
    const w = workspaces[i % workspaces.length]!;
    const c = { id: newId(), workspaceId: w.id, name: `silent-${i}` };
    categories.push(c);
    const down = start + 5_000 + Math.floor((50_000 * i) / SILENT);
    const last = down - 360_000;
    events.push({
      id: newId(),
      workspace_id: w.id,
      category_id: c.id,
      description: "last run",
      fields: "{}",
      tags: "[]",
      notify: 0,
      status: "STORED" as const,
      occurred_at: iso(last),
      created_at: iso(last),
    });
    const row = monitorRow(c, `Silent ${i}`, "heartbeat", { every: 300, graceSeconds: 60 }, null, start, { state: "up", lastEventAt: last, nextCheckAt: last + 300_000 });
    monitors.push(row);
    downAt.set(row.id, down);
  }
  const at = iso(start - DAY);
  await db
    .insertInto("category")
    .values(categories.map((c) => ({ id: c.id, workspace_id: c.workspaceId, name: c.name, color: "#54A0FF", emoji: null, created_at: at, updated_at: at })))
    .execute();
  await db.insertInto("event").values(events).execute();
  await db.insertInto("monitor").values(monitors).execute();
  return downAt;
}

/** Events through the real ingest path (group commit, bells, live messages) at `rate` per second for `seconds`. */
async function ingestFor(s: Services, categories: Category[], seconds: number, rate: number) {
  const end = performance.now() + seconds * 1000;
  let sent = 0;
  const started = performance.now();
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    const pending: Promise<unknown>[] = [];
    for (; sent < due; sent++) {
      const c = categories[Math.floor(random() * categories.length)]!;
      pending.push(
        ingestEvent(s, { id: c.workspaceId, plan: "ENTERPRISE" }, { category: c.name, fields: { status: random() < 0.9 ? "ok" : "fail", amount: Math.round(random() * 100) }, notify: false }),
      );
    }
    await Promise.all(pending);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return sent;
}

/** Monitors due and not being evaluated: the job's backlog. */
const dueNow = async (db: Db) =>
  Number(
    (
      await db
        .selectFrom("monitor")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("next_check_at", "<=", iso(Date.now() - 1_000))
        .where("lease_until", "is", null)
        .executeTakeFirstOrThrow()
    ).n,
  );
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const versions = async (db: Db) => Number((await sql<{ n: string | number | null }>`select sum(version) as n from monitor`.execute(db)).rows[0]?.n ?? 0);
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

async function main() {
  const target = await database();
  const env = parseEnv({
    DATABASE_URL: target.url,
    DATA_DIR: target.dir,
    LOG_LEVEL: "warn",
    AUTH_SECRET: "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    DEFAULT_PLAN: "ENTERPRISE",
    PLAN_EVENT_LIMIT: "100000000",
    WORKER_ID: "bench",
  });
  const s = createServices(env);
  try {
    await migrateToLatest(s.db);
    await s.realtime.ready();
    const now = Date.now();
    const { workspaces, categories } = await seed(s.db, now);
    const counts = await seedMonitors(s.db, categories, now);
    log(
      `${MONITORS.toLocaleString("en")} monitors: ${counts.heartbeats.toLocaleString("en")} heartbeats, ${counts.thresholds.toLocaleString("en")} thresholds (+${SILENT} silent heartbeats for the alert latency)`,
    );

    // Warm-up: every threshold starts due; evaluate them all once.
    let warm = 0;
    const warmCpu = process.cpuUsage();
    const warmStarted = performance.now();
    for (;;) {
      const r = await evaluateDueMonitors(s, { workerId: "bench", limit: 500, concurrency: 8 });
      warm += r.committed;
      if (r.claimed === 0) break;
    }
    const warmMs = performance.now() - warmStarted;
    log(`warm-up: ${warm} evaluations in ${(warmMs / 1000).toFixed(2)} s (${(warmMs / Math.max(1, warm)).toFixed(2)} ms each, ${cpuMs(process.cpuUsage(warmCpu)).toFixed(0)} ms CPU)`);

    // a: ingest alone.
    const cpuA = process.cpuUsage();
    const sentA = await ingestFor(s, categories, SECONDS, RATE);
    const aMs = cpuMs(process.cpuUsage(cpuA));
    log(`a (ingest alone, ${sentA} events in ${SECONDS} s): ${aMs.toFixed(0)} ms CPU`);

    // The job starts and catches up with what came due during a (a worker's restart), then b is measured in its steady state.
    const job = startMonitorJob(s);
    const caughtUp = performance.now();
    while ((await dueNow(s.db)) > 0 && performance.now() - caughtUp < 120_000) await new Promise((resolve) => setTimeout(resolve, 250));
    log(`the job caught up with the backlog of a in ${((performance.now() - caughtUp) / 1000).toFixed(1)} s`);

    // b: the same with the monitor job, and 200 heartbeats going down during it.
    const start = Date.now() + 1_000;
    const downAt = await seedSilent(s.db, workspaces, start);
    const alertedAt = new Map<string, number[]>();
    const unsubscribe = workspaces.map((w) =>
      s.realtime.subscribe(w.id, (m) => {
        if (m.type === "monitor.updated" && m.state === "down" && downAt.has(m.monitorId)) alertedAt.set(m.monitorId, [...(alertedAt.get(m.monitorId) ?? []), Date.now()]);
      }),
    );
    const versionsBefore = await versions(s.db);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start - Date.now())));
    const cpuB = process.cpuUsage();
    const sentB = await ingestFor(s, categories, SECONDS, RATE);
    const bMs = cpuMs(process.cpuUsage(cpuB));
    await job.stop();
    for (const u of unsubscribe) u();
    const evaluations = (await versions(s.db)) - versionsBefore;
    log(`b (ingest + monitor job, ${sentB} events in ${SECONDS} s): ${bMs.toFixed(0)} ms CPU, ${evaluations.toLocaleString("en")} evaluations committed`);

    const latencies = [...downAt].flatMap(([id, due]) => (alertedAt.get(id) ?? []).slice(0, 1).map((t) => (t - due) / 1000));
    const twice = [...alertedAt.values()].filter((times) => times.length > 1).length;
    const silentIds = [...downAt.keys()];
    const incidents = Number(
      (
        await s.db
          .selectFrom("monitor_incident")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("monitor_id", "in", silentIds)
          .executeTakeFirstOrThrow()
      ).n,
    );
    const perMinute = ((bMs - aMs) / SECONDS) * 60;
    console.log("");
    log(
      `evaluation CPU: ${perMinute.toFixed(0)} ms per minute (${((perMinute / 60_000) * 100).toFixed(2)} % of one core), ${((bMs - aMs) / Math.max(1, evaluations)).toFixed(2)} ms per evaluation; b/a = ${(bMs / aMs).toFixed(2)}`,
    );
    log(
      `alert latency after the down time: p50 ${percentile(latencies, 50).toFixed(2)} s, p99 ${percentile(latencies, 99).toFixed(2)} s, max ${Math.max(...latencies).toFixed(2)} s (target p99 < 30 s) — ${latencies.length}/${SILENT} alerted, ${incidents} incidents, ${twice} alerted twice`,
    );
  } finally {
    await closeServices(s);
    await target.drop();
  }
}

await main();
