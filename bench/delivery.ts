/**
 * npm run bench:delivery — accept-to-notify latency: events sent at a fixed rate to PingPilot
 * (npm start, SQLite, worker in process) with the webhook channel pointed at a local receiver
 * that verifies signatures. Latency = arrival at the receiver − the event's createdAt (the
 * moment it was accepted). Targets at 500 events/s: p50 < 50 ms, p99 < 250 ms.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { createDb } from "@/server/db/db";
import { generateWebhookSecret } from "@/server/delivery/channels/webhook.channel";
import { parseEnv } from "@/env";
import { buildServer } from "../esbuild.config";
import { startWebhookReceiverFake } from "../tests/fakes/webhook-receiver.fake";
import { benchEnv, buildNext, root, sampleBodies, seedDatabase, start, stop, waitForPort } from "./support";

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PORT = 3305;

if (!existsSync(join(root, ".next/BUILD_ID"))) buildNext(".");
await buildServer();

const secret = generateWebhookSecret();
const receiver = await startWebhookReceiverFake({ secret });
const arrivals = new Map<string, number>();
receiver.onRequest((req) => {
  const body = req.body as { data?: { id?: string; createdAt?: string } } | undefined;
  if (req.status < 300 && body?.data?.id && body.data.createdAt) arrivals.set(body.data.id, Date.now() - Date.parse(body.data.createdAt));
});

const db = await seedDatabase();
{
  const k = createDb(parseEnv({ DATABASE_URL: db.file, DATA_DIR: db.dir, AUTH_SECRET: "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz" }).database);
  const user = await k.selectFrom("user").select("id").executeTakeFirstOrThrow();
  const now = new Date().toISOString();
  await k
    .insertInto("notification_channel")
    .values({ user_id: user.id, channel: "webhook", enabled: 1, config: JSON.stringify({ url: receiver.webhookUrl, secret }), created_at: now, updated_at: now })
    .execute();
  await k.destroy();
}

const server = start(process.execPath, ["dist/main.js"], { ...benchEnv(db, PORT), ALLOW_INSECURE_WEBHOOK_URLS: "true", ALLOW_PRIVATE_WEBHOOK_TARGETS: "true", WORKER: "true" });
try {
  await waitForPort(PORT, "/", server);
  const bodies = sampleBodies();
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}/api/v1/events`,
    method: "POST",
    connections: 20,
    overallRate: RATE,
    duration: SECONDS,
    headers: { "content-type": "application/json", authorization: `Bearer ${db.key}` },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  const accepted = result["2xx"];
  const deadline = Date.now() + 30_000;
  while (arrivals.size < accepted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const latencies = [...arrivals.values()].sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const unverified = receiver.received.filter((r) => r.verified === false).length;
  console.log(`\ndelivery latency, SQLite, webhook channel, ${RATE} events/s for ${SECONDS}s (npm start, worker in process)\n`);
  console.log(`accepted ${accepted} (${(accepted / SECONDS).toFixed(0)}/s), delivered ${latencies.length}, bad signatures ${unverified}`);
  console.log(`accept→notify  p50 ${pct(50)} ms   p90 ${pct(90)} ms   p99 ${pct(99)} ms   max ${latencies.at(-1)} ms   (targets p50 < 50, p99 < 250)`);
} finally {
  await stop(server);
  await receiver.close();
}
