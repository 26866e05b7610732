import type { Db } from "@/server/db/db";
import { countEventsInRange, fieldTotalsInRange, findCategoryDayKeys, findCategoryDays, insertCategoryDay, type FieldTotals } from "./stats.queries";

export const DAY_MS = 24 * 60 * 60 * 1000;
/** A day counts as closed this long after it ends, so late commits from other instances (clock skew) are in. */
const SETTLE_MS = 5 * 60 * 1000;

export const dayKey = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The whole UTC days inside [from, to) that are closed at `now`, as [start, end) in ms; undefined when none. */
export function closedDaysWithin(from: Date, to: Date, now: Date) {
  const start = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  const firstOpenDay = Math.floor((now.getTime() - SETTLE_MS) / DAY_MS) * DAY_MS;
  const end = Math.min(Math.floor(to.getTime() / DAY_MS) * DAY_MS, firstOpenDay);
  return end > start ? { start, end } : undefined;
}

export type DayRollup = { categoryId: string; day: string; events: number; fields: FieldTotals };

/**
 * The rollups of these categories for the closed days [start, end): read, and the missing ones
 * computed from the events (once: past days never change) and stored.
 */
export async function dayRollups(db: Db, categoryIds: string[], start: number, end: number): Promise<DayRollup[]> {
  const stored = await findCategoryDays(db, categoryIds, dayKey(start), dayKey(end));
  const rollups: DayRollup[] = stored.map((r) => ({ categoryId: r.category_id, day: r.day, events: r.events, fields: JSON.parse(r.fields) as FieldTotals }));
  const present = new Set(rollups.map((r) => `${r.categoryId}/${r.day}`));
  for (const categoryId of categoryIds) {
    for (let t = start; t < end; t += DAY_MS) {
      if (present.has(`${categoryId}/${dayKey(t)}`)) continue;
      rollups.push(await storeDayRollup(db, categoryId, t));
    }
  }
  return rollups;
}

/** Computes one closed day of one category from its events and stores it (a row already there wins). */
async function storeDayRollup(db: Db, categoryId: string, dayStart: number): Promise<DayRollup> {
  const range = { from: new Date(dayStart).toISOString(), to: new Date(dayStart + DAY_MS).toISOString() };
  const [events, fields] = await Promise.all([countEventsInRange(db, categoryId, range), fieldTotalsInRange(db, categoryId, range)]);
  const rollup = { categoryId, day: dayKey(dayStart), events, fields };
  await insertCategoryDay(db, rollup);
  return rollup;
}

/**
 * Makes sure each (category, closed day) pair has its rollup, computing only the missing ones:
 * called before raw events of those days are deleted (retention), so a day is always rolled up
 * from all of its events. Day starts in ms; one read of the stored rows for all the pairs.
 * Returns how many rollups were computed.
 */
export async function ensureDayRollups(db: Db, pairs: { categoryId: string; dayStart: number }[]) {
  const wanted = new Map(pairs.map((p) => [`${p.categoryId}/${dayKey(p.dayStart)}`, p]));
  if (!wanted.size) return 0;
  const stored = await findCategoryDayKeys(
    db,
    [...wanted.values()].map((p) => ({ categoryId: p.categoryId, day: dayKey(p.dayStart) })),
  );
  for (const r of stored) wanted.delete(`${r.category_id}/${r.day}`);
  for (const { categoryId, dayStart } of wanted.values()) await storeDayRollup(db, categoryId, dayStart);
  return wanted.size;
}

export function mergeFieldTotals(into: FieldTotals, add: FieldTotals) {
  for (const [key, v] of Object.entries(add)) {
    const t = (into[key] ??= { seen: 0, numeric: 0, sum: 0 });
    t.seen += v.seen;
    t.numeric += v.numeric;
    t.sum += v.sum;
  }
  return into;
}
