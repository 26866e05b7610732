import type { Services } from "@/server/services";
import { applyDueBillingChanges } from "./billing.service";

/** The first run waits this long after start (or one interval when that is shorter), so start-up goes first. */
const FIRST_RUN_AFTER_MS = 30 * 1000;

type SweepResult = Awaited<ReturnType<typeof applyDueBillingChanges>>;

/**
 * Applies the billing changes that are due by the clock (billing.service: applyDueBillingChanges)
 * shortly after start and then every BILLING_SWEEP_INTERVAL_SECONDS (default five minutes),
 * beside the delivery worker; nothing while billing is off. Runs never overlap. Several workers
 * may run it at once: each workspace is recomputed under its customer's lock, and the result is
 * the same whoever does it.
 */
export function startBillingJob(s: Services, opts: { firstRunAfterMs?: number; everyMs?: number } = {}) {
  let current: Promise<SweepResult> | undefined;
  const run = (): Promise<SweepResult> => {
    if (current) return current;
    current = applyDueBillingChanges(s)
      .then((result) => {
        if (result.changed.length) s.logger.info({ workspaces: result.changed.length }, "billing: plans changed at period end or grace expiry");
        return result;
      })
      .finally(() => {
        current = undefined;
      });
    return current;
  };
  const tick = () => void run().catch((err: unknown) => s.logger.warn({ err }, "billing: due plan changes could not be applied; the next run tries again"));
  const everyMs = opts.everyMs ?? s.env.BILLING_SWEEP_INTERVAL_SECONDS * 1000;
  const first = s.stripe ? setTimeout(tick, opts.firstRunAfterMs ?? Math.min(FIRST_RUN_AFTER_MS, everyMs)) : undefined;
  const timer = s.stripe ? setInterval(tick, everyMs) : undefined;
  first?.unref();
  timer?.unref();
  return {
    /** One run now (or the one in flight). */
    runOnce: run,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await current?.catch(() => undefined);
    },
  };
}
