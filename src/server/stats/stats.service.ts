import type { Db } from "@/server/db/db";
import type { WorkspacePlan } from "@/server/workspace/workspace.service";
import { AppError } from "@/server/errors";
import { retentionCutoff } from "@/server/retention/retention.service";
import type { Services } from "@/server/services";
import { getCategoryByNameOrThrow, toCategoryDto } from "@/server/category/category.service";
import { closedDaysWithin, DAY_MS, dayRollups, mergeFieldTotals } from "./rollup.service";
import { countEventsByBucket, countEventsInRange, fieldTotalsInRange, type FieldTotals, type Range } from "./stats.queries";

const HOUR = 60 * 60 * 1000;
const MAX_RANGE_MS = 400 * DAY_MS;

/** Hours for ranges up to two days, days beyond. */
export const bucketUnitFor = (from: Date, to: Date): "hour" | "day" => (to.getTime() - from.getTime() <= 2 * DAY_MS ? "hour" : "day");

/** Every bucket start in [from, to), so the chart shows the quiet hours/days as zero. */
export function bucketStarts(from: Date, to: Date, unit: "hour" | "day") {
  const step = unit === "hour" ? HOUR : DAY_MS;
  const first = new Date(from);
  if (unit === "hour") first.setUTCMinutes(0, 0, 0);
  else first.setUTCHours(0, 0, 0, 0);
  const starts: string[] = [];
  for (let t = first.getTime(); t < to.getTime(); t += step) starts.push(new Date(t).toISOString());
  return starts;
}

/** Total, field totals and bucket counts of [from, to) straight from the events. */
async function liveAggregate(db: Db, categoryId: string, r: Range, unit: "hour" | "day") {
  const [total, fields, buckets] = await Promise.all([countEventsInRange(db, categoryId, r), fieldTotalsInRange(db, categoryId, r), countEventsByBucket(db, categoryId, r, unit)]);
  return { total, fields, buckets };
}

/**
 * Everything the category page shows for a range: the total, a sum per numeric field over the
 * whole range (not just the rows on screen), the field names seen, and counts per hour/day.
 * Closed days come from the daily rollups; the open edges (today, partial days) from the events.
 */
export async function getCategoryStats(db: Db, workspaceId: string, name: string, from: Date, to: Date, now: Date, keptSince?: Date) {
  if (!(from < to)) throw new AppError("VALIDATION_FAILED", "The range must end after it starts.");
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new AppError("VALIDATION_FAILED", "Pick a range of at most 400 days.");
  const category = await getCategoryByNameOrThrow(db, workspaceId, name);
  // Days before `keptSince` have no raw events left, only their rollups: count them by day.
  const unit = keptSince && from < keptSince ? "day" : bucketUnitFor(from, to);
  const closed = unit === "day" ? closedDaysWithin(from, to, now) : undefined;

  // Live segments: the whole range, or what lies outside the closed days.
  const segments: Range[] = closed
    ? [
        { from: from.toISOString(), to: new Date(closed.start).toISOString() },
        { from: new Date(closed.end).toISOString(), to: to.toISOString() },
      ].filter((s) => s.from < s.to)
    : [{ from: from.toISOString(), to: to.toISOString() }];
  const [live, rollups] = await Promise.all([
    Promise.all(segments.map((s) => liveAggregate(db, category.id, s, unit))),
    closed ? dayRollups(db, [category.id], closed.start, closed.end) : Promise.resolve([]),
  ]);

  let total = 0;
  const fields: FieldTotals = {};
  const counts = new Map<string, number>();
  for (const part of live) {
    total += part.total;
    mergeFieldTotals(fields, part.fields);
    for (const b of part.buckets) counts.set(b.start, (counts.get(b.start) ?? 0) + b.count);
  }
  for (const day of rollups) {
    total += day.events;
    mergeFieldTotals(fields, day.fields);
    const start = `${day.day}T00:00:00.000Z`;
    counts.set(start, (counts.get(start) ?? 0) + day.events);
  }
  const keys = Object.keys(fields).sort();
  return {
    category: toCategoryDto(category),
    range: { from: from.toISOString(), to: to.toISOString(), unit },
    total,
    fields: keys,
    sums: keys.filter((k) => fields[k]!.numeric > 0).map((k) => ({ field: k, sum: roundSum(fields[k]!.sum), count: fields[k]!.numeric })),
    buckets: bucketStarts(from, to, unit).map((start) => ({ start, count: counts.get(start) ?? 0 })),
  };
}

/** The category page for a workspace: its plan's retention decides which days are read from rollups only. */
export function getAccountCategoryStats(s: Pick<Services, "db" | "env" | "clock">, ws: WorkspacePlan, name: string, from: Date, to: Date) {
  const now = s.clock();
  return getCategoryStats(s.db, ws.id, name, from, to, now, retentionCutoff(ws.plan, s.env, now));
}

/** Sums of decimals added across days drift in binary floating point; keep 10 decimals. */
const roundSum = (n: number) => Math.round(n * 1e10) / 1e10;
