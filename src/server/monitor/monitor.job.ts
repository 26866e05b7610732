import { hostname } from "node:os";
import type { MonitorSignal, Services } from "@/server/services";
import { evaluateDueMonitors, type EvaluateOptions, type RoundResult } from "./monitor.evaluate";
import { findEarliestDue, listWatchedCategories, markCategoriesDue, markThresholdsDue } from "./monitor.queries";
import { toDate } from "@/server/db/db";

export type MonitorJobOptions = EvaluateOptions & {
  /** Rounds start at most this often (a burst of events costs one round a second). */
  minIntervalMs?: number;
  /** Sleep at most this long: monitors created or changed on another instance are seen by then. */
  maxSleepMs?: number;
  /** How often the list of watched categories is read again (changes on this instance apply at once). */
  refreshMs?: number;
  /** Events are collected this long before their categories are marked due (one statement for a burst). */
  coalesceMs?: number;
};

/**
 * The monitor worker, beside the delivery worker (main.ts with WORKER=true, and worker.ts).
 *
 * - Rounds (monitor.evaluate: evaluateDueMonitors) claim and evaluate what is due; between them
 *   it sleeps until the earliest `next_check_at`, at least `minIntervalMs` after the last round
 *   started and at most `maxSleepMs`.
 * - New events: ingest rings services.monitorBell (this process) and publishes `event.created`
 *   on the live bus (every instance, PostgreSQL). Both name a workspace and a category; only a
 *   category in the cached list of watched ones costs anything: one UPDATE for the burst
 *   (markCategoriesDue), then a round. The ingest path itself does no monitor work.
 * - On start, and when the live bus reconnects (messages may have been missed), every threshold
 *   is made due.
 */
export function createMonitorJob(s: Services, opts: MonitorJobOptions = {}) {
  const minIntervalMs = opts.minIntervalMs ?? 1_000;
  const maxSleepMs = opts.maxSleepMs ?? 10_000;
  const refreshMs = opts.refreshMs ?? 30_000;
  const coalesceMs = opts.coalesceMs ?? 50;
  const workerId = opts.workerId ?? s.env.WORKER_ID ?? `${hostname()}:${process.pid}`;
  const evaluate = { ...opts, workerId };
  const postgres = s.env.database.dialect === "postgres";

  let running = false;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  /** `workspace\0category name` → category id, for every category an active monitor watches. */
  let watched = new Map<string, string>();
  /** Live-bus subscriptions (PostgreSQL), per workspace with monitors. */
  const subscriptions = new Map<string, () => void>();
  let refreshing: Promise<void> | undefined;
  let refreshAgain = false;
  const dirty = new Set<string>();
  let flushTimer: NodeJS.Timeout | undefined;

  const key = (workspaceId: string, category: string) => `${workspaceId}\u0000${category}`;

  function wake() {
    woken = true;
    wakeUp?.();
  }

  async function refresh() {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        const rows = await listWatchedCategories(s.db);
        watched = new Map(rows.map((r) => [key(r.workspace_id, r.name), r.id]));
        if (postgres) {
          const workspaces = new Set(rows.map((r) => r.workspace_id));
          for (const [id, unsubscribe] of subscriptions) {
            if (workspaces.has(id)) continue;
            unsubscribe();
            subscriptions.delete(id);
          }
          for (const id of workspaces) {
            if (subscriptions.has(id)) continue;
            subscriptions.set(
              id,
              s.realtime.subscribe(id, (message) => {
                // This instance's own events come back over the bus too: the bell had them already.
                // Monitors changed on another instance are picked up by the periodic refresh (refreshMs).
                if (message.type === "event.created" && !rang.delete(message.eventId)) onEvents({ workspaceId: id, category: message.category });
              }),
            );
          }
        }
      } while (refreshAgain);
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  /** Events this instance's bell announced, so their copy from the live bus is not counted twice (PostgreSQL). */
  const rang = new Set<string>();

  function onBell(signal: MonitorSignal) {
    if (postgres && signal.eventId) {
      if (rang.size > 10_000) rang.clear();
      rang.add(signal.eventId);
    }
    onEvents(signal);
  }

  function onEvents(signal: MonitorSignal) {
    if (stopped) return;
    if (signal.category === undefined) {
      // Monitors of a workspace changed (here): re-read the watched list, and look for work now.
      void refresh()
        .catch((err: unknown) => s.logger.warn({ err }, "could not read which categories monitors watch"))
        .finally(wake);
      return;
    }
    if (!watched.has(key(signal.workspaceId, signal.category))) return;
    dirty.add(key(signal.workspaceId, signal.category));
    flushTimer ??= setTimeout(() => void flush(), coalesceMs);
  }

  async function flush() {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const ids = [...dirty].map((k) => watched.get(k)).filter((id): id is string => id !== undefined);
    dirty.clear();
    if (!ids.length) return;
    try {
      await markCategoriesDue(s.db, [...new Set(ids)], s.clock().toISOString());
      wake();
    } catch (err) {
      s.logger.warn({ err }, "could not mark monitors due after new events; they are looked at within minutes");
    }
  }

  async function sleepUntilDue(roundStartedAt: number) {
    let wait = maxSleepMs;
    try {
      const now = s.clock();
      const earliest = await findEarliestDue(s.db, now.toISOString());
      if (earliest) wait = Math.min(maxSleepMs, Math.max(0, toDate(earliest).getTime() - now.getTime()));
    } catch (err) {
      s.logger.warn({ err }, "could not read the next monitor deadline");
    }
    wait = Math.max(wait, minIntervalMs - (performance.now() - roundStartedAt));
    if (wait <= 0 || !running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      wakeUp = () => {
        clearTimeout(timer);
        // Woken by events: still no sooner than minIntervalMs after the last round began.
        const rest = minIntervalMs - (performance.now() - roundStartedAt);
        if (rest > 0 && running) setTimeout(resolve, rest);
        else resolve();
      };
      if (woken) wakeUp();
    });
  }

  async function run() {
    while (running) {
      const startedAt = performance.now();
      woken = false;
      let full = false;
      try {
        const round = await runOnce();
        full = round.claimed >= (opts.limit ?? 100);
      } catch (err) {
        s.logger.error({ err }, "monitor round failed");
      }
      if (!full) await sleepUntilDue(startedAt);
      wakeUp = undefined;
    }
  }

  /** One round now: claim what is due and evaluate it. */
  const runOnce = (): Promise<RoundResult> => evaluateDueMonitors(s, evaluate);

  const stopBell = s.monitorBell.listen(onBell);
  const stopInternal = s.realtime.onInternal((message) => {
    if (message.type === "resync" && running) void markThresholdsDue(s.db, s.clock().toISOString()).then(wake, () => undefined);
  });
  let refreshTimer: NodeJS.Timeout | undefined;

  return {
    runOnce,
    /** The watched-category list, now (tests; the job refreshes it itself). */
    refresh,
    /** Marks the categories of the events heard so far due now, without waiting to collect more (tests). */
    flushNow: flush,
    start() {
      if (running) return;
      running = true;
      refreshTimer = setInterval(() => void refresh().catch((err: unknown) => s.logger.warn({ err }, "could not read which categories monitors watch")), refreshMs);
      refreshTimer.unref();
      loop = (async () => {
        try {
          await refresh();
          // Events may have arrived while no worker was listening.
          await markThresholdsDue(s.db, s.clock().toISOString());
        } catch (err) {
          s.logger.warn({ err }, "monitor job start-up read failed; going on");
        }
        s.logger.info({ workerId }, "monitor job started");
        await run();
      })();
    },
    /** Ends after the round in flight; the database can be closed after it resolves. */
    async stop() {
      running = false;
      stopped = true;
      stopBell();
      stopInternal();
      clearInterval(refreshTimer);
      clearTimeout(flushTimer);
      for (const unsubscribe of subscriptions.values()) unsubscribe();
      subscriptions.clear();
      wakeUp?.();
      await loop;
      await refreshing?.catch(() => undefined);
    },
  };
}

export type MonitorJob = ReturnType<typeof createMonitorJob>;

/** Created and started (main.ts, worker.ts). */
export function startMonitorJob(s: Services, opts: MonitorJobOptions = {}) {
  const job = createMonitorJob(s, opts);
  job.start();
  return job;
}
