/**
 * npm run bench:startup — `npm start` before and after the compiled server build, started in
 * turn RUNS times each on one seeded SQLite database (production mode, worker in process):
 *   tsx src/main.ts            TypeScript transpiled at start-up (tsx's on-disk transform cache warm)
 *   tsx, no transform cache    the same with TSX_DISABLE_CACHE=1: the first start after a deploy
 *   node dist/main.js          the compiled entry (`npm run build`)
 * For each: the time from spawn to /api/health answering 200, and the resident memory of the
 * whole process tree (tsx runs the server in a child node process) and of the server process alone,
 * after IDLE_MS without requests.
 * npm itself, the same for both, is left out. Prints medians and the ratios compiled/tsx. Linux (/proc).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { buildServer } from "../esbuild.config";
import { benchEnv, buildNext, root, seedDatabase, stop } from "./support";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 5_000);
const PORT = 3308;
const tsx = join(root, "node_modules/.bin/tsx");

type Variant = { name: string; command: string; args: string[]; env?: Record<string, string> };
const variants: Variant[] = [
  { name: "tsx src/main.ts", command: tsx, args: ["src/main.ts"] },
  { name: "tsx, no transform cache", command: tsx, args: ["src/main.ts"], env: { TSX_DISABLE_CACHE: "1" } },
  { name: "node dist/main.js", command: process.execPath, args: ["dist/main.js"] },
];

function rssKb(pid: number) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Resident memory of `pid` and all its descendants, of the largest of them (the server), and how many processes that is. */
function treeRss(pid: number) {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited while listing
    }
  }
  let kb = 0;
  let largestKb = 0;
  let processes = 0;
  const queue = [pid];
  while (queue.length) {
    const p = queue.pop()!;
    const own = rssKb(p);
    kb += own;
    largestKb = Math.max(largestKb, own);
    processes++;
    queue.push(...(children.get(p) ?? []));
  }
  return { mb: kb / 1024, serverMb: largestKb / 1024, processes };
}

async function healthy(child: ChildProcess) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} during start-up`);
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/api/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("not healthy within 90 s");
}

/** A server left over (or anything else) on the port would answer for the one under test. */
async function assertPortFree() {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once("error", () => reject(new Error(`port ${PORT} is taken`))).listen(PORT, resolve));
  await new Promise((r) => probe.close(r));
}

async function once(v: Variant, env: NodeJS.ProcessEnv) {
  await assertPortFree();
  const started = performance.now();
  const child = spawn(v.command, v.args, { cwd: root, env: { ...env, ...v.env }, stdio: ["ignore", "ignore", "inherit"] });
  try {
    await healthy(child);
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { ms, ...treeRss(child.pid!) };
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

if (!existsSync(join(root, ".next/BUILD_ID"))) buildNext(".");
await buildServer();
const db = await seedDatabase();
const env = benchEnv(db, PORT);

// One discarded start of each: file-system cache and tsx's transform cache warm, as on a restart.
for (const v of variants) await once(v, env);
const results = new Map(variants.map((v) => [v.name, [] as Awaited<ReturnType<typeof once>>[]]));
for (let run = 1; run <= RUNS; run++) {
  for (const v of variants) {
    const r = await once(v, env);
    results.get(v.name)!.push(r);
    console.log(`run ${run}  ${v.name.padEnd(24)} ${r.ms.toFixed(0).padStart(6)} ms  ${r.mb.toFixed(1).padStart(7)} MB  (server ${r.serverMb.toFixed(1)} MB, processes: ${r.processes})`);
  }
}

console.log(`\nstart-up to /api/health 200 and idle RSS after ${IDLE_MS / 1000} s, median of ${RUNS} (SQLite, NODE_ENV=production, node ${process.version})\n`);
console.log("variant                    start ms   min–max ms        RSS MB   server MB");
const summary = new Map<string, { ms: number; mb: number }>();
for (const v of variants) {
  const rs = results.get(v.name)!;
  const ms = median(rs.map((r) => r.ms));
  const mb = median(rs.map((r) => r.mb));
  const serverMb = median(rs.map((r) => r.serverMb));
  summary.set(v.name, { ms, mb });
  const range = `${Math.min(...rs.map((r) => r.ms)).toFixed(0)}–${Math.max(...rs.map((r) => r.ms)).toFixed(0)}`;
  console.log(`${v.name.padEnd(24)} ${ms.toFixed(0).padStart(10)}   ${range.padEnd(14)} ${mb.toFixed(1).padStart(9)} ${serverMb.toFixed(1).padStart(11)}`);
}
const compiled = summary.get("node dist/main.js")!;
for (const name of ["tsx src/main.ts", "tsx, no transform cache"]) {
  const before = summary.get(name)!;
  console.log(`\ncompiled / ${name}: start-up ${(compiled.ms / before.ms).toFixed(2)}, RSS ${(compiled.mb / before.mb).toFixed(2)}`);
}
