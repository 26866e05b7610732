import { hostname } from "node:os";
import type { Services } from "@/server/services";
import { claimDueDeliveries } from "./delivery.queries";
import { attemptDelivery, RETRY_SCHEDULE_MS, type DeliveryDeps } from "./delivery.service";

export type WorkerOptions = {
  /** Recorded on claimed deliveries (default host:pid). */
  id?: string;
  /** Deliveries claimed per round; they are sent in parallel. */
  batchSize?: number;
  /** How long a claim lasts; a worker that dies releases its deliveries when it runs out. */
  leaseMs?: number;
  /** Sleep between rounds when there was nothing to do (a new event wakes the worker at once). */
  idleMs?: number;
  timeoutMs?: number;
  schedule?: number[];
};

/**
 * The delivery loop: claim due deliveries, send them in parallel (each with a timeout),
 * record every attempt, repeat. Runs in the web process (WORKER=true) or alone (npm run worker);
 * on PostgreSQL any number of workers share the outbox.
 */
export function createDeliveryWorker(s: Services, opts: WorkerOptions = {}) {
  const batchSize = opts.batchSize ?? 50;
  const leaseMs = opts.leaseMs ?? s.env.DELIVERY_LEASE_SECONDS * 1000;
  const workerId = opts.id ?? s.env.WORKER_ID ?? `${hostname()}:${process.pid}`;
  const idleMs = opts.idleMs ?? 1_000;
  const deps: DeliveryDeps = {
    db: s.db,
    env: s.env,
    mailer: s.mailer,
    logger: s.logger,
    timeoutMs: opts.timeoutMs ?? 10_000,
    schedule: opts.schedule ?? RETRY_SCHEDULE_MS,
    clock: s.clock,
    publish: s.realtime.publish,
    metrics: s.metrics,
  };

  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  /** One round; resolves with the number of deliveries attempted. */
  async function runOnce() {
    const now = s.clock();
    const claimed = await claimDueDeliveries(s.db, workerId, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), batchSize);
    s.metrics.workerClaimed(claimed.length);
    await Promise.all(
      claimed.map((d) =>
        attemptDelivery(deps, d).catch((err: unknown) => {
          // The lease runs out and the delivery is retried; nothing is lost.
          s.logger.error({ err, deliveryId: d.id, channel: d.channel }, "delivery attempt crashed");
        }),
      ),
    );
    return claimed.length;
  }

  async function run() {
    while (running) {
      let attempted = 0;
      try {
        attempted = await runOnce();
      } catch (err) {
        s.logger.error({ err }, "delivery round failed");
      }
      if (attempted === 0 && running && !woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, idleMs);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      woken = false;
      wakeUp = undefined;
    }
  }

  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  s.deliveryBell.listen(wake);

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      loop = run();
      s.logger.info({ workerId, batchSize, leaseMs }, "delivery worker started");
    },
    /** A new event was committed: look for work now instead of after the idle sleep. */
    wake,
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
