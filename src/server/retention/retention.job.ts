import type { Services } from "@/server/services";
import { purgeExpiredEvents, type RetentionOptions, type RetentionResult } from "./retention.service";

const EVERY_MS = 60 * 60 * 1000;
/** The first run waits this long after start, so start-up (migrations, Next.js, the first requests) goes first. */
const FIRST_RUN_AFTER_MS = 60 * 1000;

/**
 * Deletes expired raw events (retention.service) shortly after start and then every hour,
 * beside the delivery worker. Runs never overlap; stop() ends a run between two batches and
 * resolves once the batch in flight has finished, so the database can be closed after it.
 */
export function startRetentionJob(s: Services, opts: RetentionOptions & { firstRunAfterMs?: number; everyMs?: number } = {}) {
  let stopping = false;
  let current: Promise<RetentionResult> | undefined;
  const run = (): Promise<RetentionResult> => {
    if (current) return current;
    const started = performance.now();
    current = purgeExpiredEvents(s, { ...opts, shouldStop: () => stopping })
      .then((result) => {
        if (result.events || result.idempotencyRecords) s.logger.info({ ...result, ms: Math.round(performance.now() - started) }, "expired events deleted (daily rollups kept)");
        return result;
      })
      .finally(() => {
        current = undefined;
      });
    return current;
  };
  const tick = () => void run().catch((err: unknown) => s.logger.warn({ err }, "expired events could not be deleted; the next run tries again"));
  const first = setTimeout(tick, opts.firstRunAfterMs ?? FIRST_RUN_AFTER_MS);
  const timer = setInterval(tick, opts.everyMs ?? EVERY_MS);
  first.unref();
  timer.unref();
  return {
    /** One run now (or the one in flight). */
    runOnce: run,
    async stop() {
      stopping = true;
      clearTimeout(first);
      clearInterval(timer);
      await current?.catch(() => undefined);
    },
  };
}
