/**
 * npm run bench:dashboard — the dashboard's queries on 1,000,000 events (10 categories, 90
 * days; npm run db:seed-demo's data), on SQLite and on PostgreSQL: the first call (which also
 * computes the day rollups it lacks, once) and the median of the next 5.
 * Target: each page's data in < 150 ms.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { parseEnv } from "@/env";
import { listCategories } from "@/server/category/category.service";
import { migrateToLatest } from "@/server/db/migrate";
import { seedDemo } from "@/server/demo/seed-demo";
import { listEvents } from "@/server/event/event.service";
import { closeServices, createServices } from "@/server/services";
import { getCategoryStats } from "@/server/stats/stats.service";

const TOTAL = Number(process.env.DEMO_EVENTS ?? 1_000_000);
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** [first call, median of the next 5]: the first call of a range also computes its missing day rollups. */
async function median(fn: () => Promise<unknown>): Promise<[number, number]> {
  const t0 = performance.now();
  await fn();
  const first = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return [first, times.sort((a, b) => a - b)[2]!];
}

async function run(label: string, databaseUrl: string, dataDir: string) {
  const s = createServices(parseEnv({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: "silent", AUTH_SECRET: "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz" }));
  try {
    await migrateToLatest(s.db);
    const now = new Date();
    const { workspace, categories } = await seedDemo(s, { total: TOTAL, days: 90, now, log: (l) => process.stdout.write(`\r${label}: ${l}          `) });
    console.log();
    const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const monday = day - ((now.getUTCDay() + 6) % 7) * 86_400_000;
    const month = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const big = categories[0]!; // the busiest category
    const page = (from: number, to: number) => async () => {
      await Promise.all([
        getCategoryStats(s.db, workspace.id, big.name, new Date(from), new Date(to), now),
        listEvents(s.db, { workspaceId: workspace.id, categoryId: big.id, from: new Date(from), to: new Date(to), limit: 50 }),
      ]);
    };
    const rows: [string, [number, number]][] = [
      ["overview (/dashboard cards)", await median(() => listCategories(s.db, workspace.id, now))],
      ["category page, today", await median(page(day, day + 86_400_000))],
      ["category page, this week", await median(page(monday, monday + 7 * 86_400_000))],
      ["category page, this month", await median(page(month, Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)))],
      ["category page, last 90 days", await median(page(now.getTime() - 90 * 86_400_000, now.getTime() + 1))],
    ];
    const size = await s.db
      .selectFrom("event")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("category_id", "=", big.id)
      .executeTakeFirstOrThrow();
    console.log(`\n${label}: ${TOTAL} events, busiest category "${big.name}" holds ${size.n}`);
    console.log(`  ${"".padEnd(32)} ${"median".padStart(8)}    ${"first call".padStart(10)}`);
    for (const [name, [first, ms]] of rows) {
      console.log(`  ${name.padEnd(32)} ${ms.toFixed(1).padStart(8)} ms ${first.toFixed(1).padStart(10)} ms${ms < 150 ? "" : "   (median over the 150 ms target)"}`);
    }
  } finally {
    await closeServices(s);
  }
}

const dir = mkdtempSync(join(tmpdir(), "pingpilot-dashboard-bench-"));
await run("SQLite", join(dir, "demo.db"), dir);

const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();
const name = `pp_bench_dashboard_${Date.now()}`;
await admin.query(`create database "${name}"`);
try {
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  await run("PostgreSQL", url.toString(), dir);
} finally {
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
