import type { Db } from "@/server/db/db";
import { AppError } from "@/server/errors";
import { getCategoryByNameOrThrow, toCategoryDto } from "@/server/category/category.service";
import { countEventsByBucket, countEventsInRange, fieldStatsInRange } from "./stats.queries";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const MAX_RANGE_MS = 400 * DAY;

/** Hours for ranges up to two days, days beyond. */
export const bucketUnitFor = (from: Date, to: Date): "hour" | "day" => (to.getTime() - from.getTime() <= 2 * DAY ? "hour" : "day");

/** Every bucket start in [from, to), so the chart shows the quiet hours/days as zero. */
export function bucketStarts(from: Date, to: Date, unit: "hour" | "day") {
  const step = unit === "hour" ? HOUR : DAY;
  const first = new Date(from);
  if (unit === "hour") first.setUTCMinutes(0, 0, 0);
  else first.setUTCHours(0, 0, 0, 0);
  const starts: string[] = [];
  for (let t = first.getTime(); t < to.getTime(); t += step) starts.push(new Date(t).toISOString());
  return starts;
}

/**
 * Everything the category page shows for a range: the total, a sum per numeric field over the
 * whole range (not just the rows on screen), the field names seen, and counts per hour/day.
 */
export async function getCategoryStats(db: Db, userId: string, name: string, from: Date, to: Date) {
  if (!(from < to)) throw new AppError("VALIDATION_FAILED", "The range must end after it starts.");
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new AppError("VALIDATION_FAILED", "Pick a range of at most 400 days.");
  const category = await getCategoryByNameOrThrow(db, userId, name);
  const range = { from: from.toISOString(), to: to.toISOString() };
  const unit = bucketUnitFor(from, to);
  const [total, fields, buckets] = await Promise.all([
    countEventsInRange(db, category.id, range),
    fieldStatsInRange(db, category.id, range),
    countEventsByBucket(db, category.id, range, unit),
  ]);
  const counts = new Map(buckets.map((b) => [b.start, b.count]));
  return {
    category: toCategoryDto(category),
    range: { ...range, unit },
    total,
    fields: fields.map((f) => f.key),
    sums: fields.filter((f) => f.numericCount > 0).map((f) => ({ field: f.key, sum: f.sum ?? 0, count: f.numericCount })),
    buckets: bucketStarts(from, to, unit).map((start) => ({ start, count: counts.get(start) ?? 0 })),
  };
}
