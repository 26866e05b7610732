/**
 * npm run bench:ingest — the public ingest endpoint on the SQLite default, measured side by
 * side in one run against (b) a bare node:http server doing the same SQL and (c) the same
 * handler inside a Next.js route handler. Prints req/s, p50/p99 and the ratios a/b and a/c.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, buildNext, load, root, sampleBodies, seedDatabase, start, stop, waitForPort, type Result } from "./support";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const tsx = join(root, "node_modules/.bin/tsx");
const next = join(root, "node_modules/.bin/next");

async function measure(name: string, port: number, launch: (env: NodeJS.ProcessEnv) => ReturnType<typeof start>, path: string) {
  const db = await seedDatabase();
  const child = launch(benchEnv(db, port));
  try {
    await waitForPort(port, "/", child);
    const url = `http://127.0.0.1:${port}${path}`;
    const bodies = sampleBodies();
    const probe = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${db.key}` }, body: bodies[0] });
    if (probe.status !== 202) throw new Error(`${name}: probe answered ${probe.status} ${await probe.text()}`);
    await load(name, url, db.key, bodies, 2, CONNECTIONS); // warm-up
    return await load(name, url, db.key, bodies, SECONDS, CONNECTIONS);
  } finally {
    await stop(child);
  }
}

if (!existsSync(join(root, ".next/BUILD_ID"))) buildNext(".");
if (!existsSync(join(root, "bench/next-baseline/.next/BUILD_ID"))) buildNext("bench/next-baseline");

const results: Result[] = [];
results.push(await measure("a  PingPilot (npm start)", 3301, (env) => start(tsx, ["src/main.ts"], env), "/api/v1/events"));
results.push(await measure("b  bare node:http, same SQL", 3302, (env) => start(tsx, ["bench/baseline/bare-http.ts"], env), "/api/v1/events"));
results.push(await measure("c  same handler in a Next.js route", 3303, (env) => start(next, ["start", "bench/next-baseline", "-p", env.PORT!], env), "/api/v1/events"));

console.log(`\ningest, SQLite, ${SECONDS}s at ${CONNECTIONS} connections, realistic events (3–6 fields)\n`);
console.log("target                                 req/s    p50 ms   p99 ms   non-2xx  errors");
for (const r of results) {
  console.log(`${r.name.padEnd(36)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.non2xx).padStart(9)} ${String(r.errors).padStart(7)}`);
}
const [a, b, c] = results as [Result, Result, Result];
console.log(`\na/b = ${(a.rps / b.rps).toFixed(2)}   (target ≥ 0.6)`);
console.log(`a/c = ${(a.rps / c.rps).toFixed(2)}   (target ≥ 10)`);
console.log(`p99(a) = ${a.p99} ms   (target < 25 ms)`);
