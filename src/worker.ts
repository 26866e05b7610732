/**
 * `npm run worker`: the delivery worker alone, with the rollup and retention jobs, for
 * deployments that run web instances with WORKER=false. Any number of these can share a
 * PostgreSQL database.
 */
import { envOrExit } from "@/env";
import { migrateToLatest } from "@/server/db/migrate";
import { createDeliveryWorker } from "@/server/delivery/delivery.worker";
import { startRollupJob } from "@/server/stats/rollup.job";
import { startRetentionJob } from "@/server/retention/retention.job";
import { startBillingJob } from "@/server/billing/billing.job";
import { startMonitorJob } from "@/server/monitor/monitor.job";
import { closeServices, createServices } from "@/server/services";

const env = envOrExit();
const s = createServices(env);
await migrateToLatest(s.db);
const worker = createDeliveryWorker(s);
worker.start();
const rollups = startRollupJob(s);
const retention = startRetentionJob(s);
const billing = startBillingJob(s);
const monitors = startMonitorJob(s);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  s.logger.info({ signal }, "worker stopping after the attempts in flight");
  rollups.stop();
  await retention.stop();
  await billing.stop();
  await monitors.stop();
  await worker.stop();
  await closeServices(s);
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
