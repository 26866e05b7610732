import type { Env } from "@/env";
import type { Db } from "@/server/db/db";
import { toDate } from "@/server/db/db";
import { limitsFor } from "@/server/quota/quota.service";
import { DAY_MS, ensureDayRollups } from "@/server/stats/rollup.service";
import type { Plan } from "@/shared/current-user";
import { PLANS } from "@/shared/plans";
import { deleteEvents, deleteExpiredIdempotencyRecords, findExpiredEvents, withRetentionLock } from "./retention.queries";

/**
 * Raw events live as long as their owner's plan says (`retentionDays`, whole UTC days); the
 * daily rollups (category_day) stay, so totals, field sums and day charts keep every day.
 */

/**
 * Rows per statement. On SQLite a statement holds the event loop and the one writer for its
 * whole run (about 20 µs per event with its delivery and attempt; bench/retention.ts), so a
 * batch is kept to a few milliseconds: an ingest request never waits long behind one.
 */
export const RETENTION_BATCH_SIZE = 250;
/** Pause between two batches (at least), so ingest and the delivery worker go first. */
export const RETENTION_PAUSE_MS = 20;
/**
 * ... and at least this many times as long as the batch took: retention uses at most a quarter
 * of the time, however slow or busy the machine is (a busier one gets longer pauses).
 */
export const RETENTION_PAUSE_FACTOR = 3;

export type RetentionGroup = { plans: Plan[]; retentionDays: number; cutoff: Date };

/**
 * The plans grouped by cutoff: events accepted before `cutoff` are expired. The cutoff is the
 * start of a UTC day, so whole days go at once (a day is either all raw events plus its rollup,
 * or its rollup alone), and it is at least a day before today, so every day it reaches is
 * closed. EVENT_RETENTION_DAYS applies to the self-hosted DEFAULT_PLAN, like the other limits.
 */
export function retentionGroups(env: RetentionEnv, now: Date): RetentionGroup[] {
  const byDays = new Map<number, Plan[]>();
  for (const plan of Object.keys(PLANS) as Plan[]) {
    const days = retentionDaysOf(plan, env);
    byDays.set(days, [...(byDays.get(days) ?? []), plan]);
  }
  return [...byDays].map(([retentionDays, plans]) => ({ plans, retentionDays, cutoff: cutoffFor(retentionDays, now) }));
}

type RetentionEnv = Pick<Env, "DEFAULT_PLAN" | "PLAN_EVENT_LIMIT" | "PLAN_CATEGORY_LIMIT" | "EVENT_RETENTION_DAYS">;
const retentionDaysOf = (plan: Plan, env: RetentionEnv) => Math.max(1, limitsFor(plan, env).retentionDays);
const cutoffFor = (retentionDays: number, now: Date) => new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - retentionDays * DAY_MS);

/** Since when a plan's raw events are kept: earlier days exist only as their daily rollups. */
export const retentionCutoff = (plan: Plan, env: RetentionEnv, now: Date) => cutoffFor(retentionDaysOf(plan, env), now);

export type RetentionOptions = {
  batchSize?: number;
  pauseMs?: number;
  pauseFactor?: number;
  /** Checked between batches: a stopping worker ends the run after the batch in flight. */
  shouldStop?: () => boolean;
  /** After each batch of events: how many went and how long the batch's statements took (bench/retention.ts). */
  onBatch?: (batch: { events: number; ms: number }) => void;
};

export type RetentionResult = { events: number; idempotencyRecords: number; rollupsComputed: number; batches: number; skipped?: "locked" };

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Deletes the events older than their owner's plan allows, one plan group (one cutoff) at a
 * time and one batch per statement, never one query per user. Before a batch goes, the rollups
 * of every (category, day) it touches are made sure of, computed from the still-complete day
 * when missing (a day the rollup job never reached: the worker was down, or data from before
 * rollups existed). Events with an unsent delivery (PENDING/SENDING) are kept: an accepted
 * event's notification is never lost. On PostgreSQL one worker at a time runs this.
 */
export async function purgeExpiredEvents(deps: { db: Db; env: Env; clock: () => Date }, opts: RetentionOptions = {}): Promise<RetentionResult> {
  const batchSize = opts.batchSize ?? RETENTION_BATCH_SIZE;
  const pauseMs = opts.pauseMs ?? RETENTION_PAUSE_MS;
  const pauseFactor = opts.pauseFactor ?? RETENTION_PAUSE_FACTOR;
  const stopped = opts.shouldStop ?? (() => false);
  const groups = retentionGroups(deps.env, deps.clock());
  const outcome = await withRetentionLock(deps.db, async (db) => {
    const result: RetentionResult = { events: 0, idempotencyRecords: 0, rollupsComputed: 0, batches: 0 };
    const between = async (started: number) => {
      result.batches++;
      const wait = Math.max(pauseMs, pauseFactor * (performance.now() - started));
      if (wait > 0) await pause(wait);
    };
    for (const { plans, cutoff } of groups) {
      const expired = { plans, cutoff: cutoff.toISOString(), limit: batchSize };
      while (!stopped()) {
        const started = performance.now();
        const rows = await findExpiredEvents(db, expired);
        if (!rows.length) break;
        result.rollupsComputed += await ensureDayRollups(
          db,
          rows.map((r) => ({ categoryId: r.category_id, dayStart: Math.floor(toDate(r.created_at).getTime() / DAY_MS) * DAY_MS })),
        );
        const deleted = await deleteEvents(
          db,
          rows.map((r) => r.id),
        );
        result.events += deleted;
        opts.onBatch?.({ events: deleted, ms: performance.now() - started });
        await between(started);
        // A short batch was the last; none deleted means every row was just protected (a retry).
        if (rows.length < batchSize || deleted === 0) break;
      }
      while (!stopped()) {
        const started = performance.now();
        const deleted = await deleteExpiredIdempotencyRecords(db, expired);
        result.idempotencyRecords += deleted;
        if (deleted === 0) break;
        await between(started);
        if (deleted < batchSize) break;
      }
    }
    return result;
  });
  return outcome ?? { events: 0, idempotencyRecords: 0, rollupsComputed: 0, batches: 0, skipped: "locked" };
}
