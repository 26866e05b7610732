import type { Services } from "@/server/services";
import { closedDaysWithin, DAY_MS, dayRollups } from "./rollup.service";
import { findCategoriesWithEventsBetween } from "./stats.queries";

const EVERY_MS = 10 * 60 * 1000;
const LOOKBACK_DAYS = 2;

/**
 * Computes the day rollups of the last closed days ahead of time (on start and every 10
 * minutes), so the first dashboard visit after midnight UTC reads them instead of computing
 * them. Runs beside the delivery worker; reads compute whatever is still missing.
 */
export function startRollupJob(s: Services) {
  const run = async () => {
    const now = s.clock();
    const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    const closed = closedDaysWithin(new Date(today - LOOKBACK_DAYS * DAY_MS), now, now);
    if (!closed) return;
    const ids = await findCategoriesWithEventsBetween(s.db, { from: new Date(closed.start).toISOString(), to: new Date(closed.end).toISOString() });
    await dayRollups(s.db, ids, closed.start, closed.end);
  };
  const tick = () => run().catch((err: unknown) => s.logger.warn({ err }, "day rollups could not be computed ahead; pages will compute them"));
  void tick();
  const timer = setInterval(tick, EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), runOnce: run };
}
