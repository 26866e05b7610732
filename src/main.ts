/**
 * PingPilot's process: validated env → database → migrations → delivery worker (WORKER=true)
 * → one HTTP server where the Hono app answers /api/*, /trpc/* (and the dev mailbox) and
 * Next.js renders the pages.
 */
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { getRequestListener } from "@hono/node-server";
import next from "next";
import { envOrExit } from "@/env";
import { migrateToLatest } from "@/server/db/migrate";
import { createDeliveryWorker } from "@/server/delivery/delivery.worker";
import { startRollupJob } from "@/server/stats/rollup.job";
import { startRetentionJob } from "@/server/retention/retention.job";
import { startBillingJob } from "@/server/billing/billing.job";
import { startMonitorJob } from "@/server/monitor/monitor.job";
import { createApp, handledByHono } from "@/server/http/app";
import { applyHeaders, pageSecurityHeaders } from "@/server/http/page-headers";
import { limitPageBody } from "@/server/http/page-body-limit";
import { mailStartNotice } from "@/server/mail/mailer";
import { closeServices, createServices, registerServices } from "@/server/services";

const DRAIN_TIMEOUT_MS = 10_000;

async function main() {
  const env = envOrExit();
  const s = createServices(env);
  registerServices(s);
  const { logger } = s;
  if (env.authSecretGenerated)
    logger.info({ dir: env.DATA_DIR }, "AUTH_SECRET is not set: using the secret generated in the data directory (auth-secret, owner-only). Set AUTH_SECRET when running more than one instance.");
  const mailNotice = mailStartNotice(s.mailer, env.APP_URL);
  if (mailNotice) logger.warn(mailNotice);

  const applied = await migrateToLatest(s.db);
  logger.info({ dialect: env.database.dialect, applied }, "database ready");

  const worker = env.WORKER ? createDeliveryWorker(s) : undefined;
  worker?.start();
  const rollups = env.WORKER ? startRollupJob(s) : undefined;
  const retention = env.WORKER ? startRetentionJob(s) : undefined;
  const billing = env.WORKER ? startBillingJob(s) : undefined;
  const monitors = env.WORKER ? startMonitorJob(s) : undefined;

  const dev = env.NODE_ENV !== "production";
  const nextApp = next({ dev, dir: fileURLToPath(new URL("..", import.meta.url)), hostname: env.HOST, port: env.PORT });
  await nextApp.prepare();
  const renderPage = nextApp.getRequestHandler();
  const answerApi = getRequestListener(createApp(s).fetch);
  const pageHeaders = pageSecurityHeaders(env.APP_URL.startsWith("https://"));

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (handledByHono(path)) return answerApi(req, res);
    // Hono limits its own routes; Next.js would read any body it is sent.
    if (!limitPageBody(req, res)) return;
    // Set before Next.js starts writing the response (it sends headers inside the handler).
    applyHeaders(res, pageHeaders);
    return renderPage(req, res);
  });
  server.listen(env.PORT, env.HOST, () => logger.info({ host: env.HOST, port: env.PORT, url: env.APP_URL, mode: dev ? "development" : "production" }, "PingPilot is listening"));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: draining open requests");
    const timer = setTimeout(() => {
      logger.warn("drain timed out; closing remaining connections");
      server.closeAllConnections();
    }, DRAIN_TIMEOUT_MS);
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearTimeout(timer);
    // In-flight deliveries finish their attempt; anything left is picked up after a restart.
    rollups?.stop();
    await retention?.stop();
    await billing?.stop();
    await monitors?.stop();
    await worker?.stop();
    await nextApp.close?.();
    await closeServices(s);
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

await main();
