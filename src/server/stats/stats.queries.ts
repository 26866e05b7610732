import { sql } from "kysely";
import { isPostgres, type Db } from "@/server/db/db";

/**
 * Dashboard aggregates, computed in the database. SQLite and PostgreSQL differ in two places,
 * each written out here: JSON field expansion (`json_each` vs `jsonb_each`) and time
 * bucketing (`strftime` on ISO text vs `date_trunc` on timestamptz). Ranges are [from, to).
 */

export type Range = { from: string; to: string };

export async function countEventsInRange(db: Db, categoryId: string, r: Range) {
  const row = await db
    .selectFrom("event")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("category_id", "=", categoryId)
    .where("created_at", ">=", r.from)
    .where("created_at", "<", r.to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Event counts per hour or day (UTC) in the range; empty buckets are not returned. */
export async function countEventsByBucket(db: Db, categoryId: string, r: Range, unit: "hour" | "day") {
  const query = isPostgres(db)
    ? sql<{ bucket: string; n: string }>`
        select to_char(date_trunc(${unit}, created_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS') as bucket, count(*) as n
        from event where category_id = ${categoryId} and created_at >= ${r.from} and created_at < ${r.to}
        group by 1 order by 1`
    : sql<{ bucket: string; n: number }>`
        select strftime(${unit === "hour" ? "%Y-%m-%dT%H:00:00" : "%Y-%m-%dT00:00:00"}, created_at) as bucket, count(*) as n
        from event where category_id = ${categoryId} and created_at >= ${r.from} and created_at < ${r.to}
        group by 1 order by 1`;
  const { rows } = await query.execute(db);
  // Both dialects return the bucket's UTC wall time as "YYYY-MM-DDTHH:MM:SS".
  return rows.map((row) => ({ start: `${row.bucket}.000Z`, count: Number(row.n) }));
}

/** (category, field name) pairs of these categories' events since `since`: the live part of the cards' field counts. */
export async function distinctFieldNamesSince(db: Db, categoryIds: string[], since: string) {
  if (!categoryIds.length) return [];
  const ids = sql.join(categoryIds);
  const query = isPostgres(db)
    ? sql<{ category_id: string; key: string }>`
        select distinct e.category_id, f.key from event e, jsonb_each(e.fields) f
        where e.category_id in (${ids}) and e.created_at >= ${since}`
    : sql<{ category_id: string; key: string }>`
        select distinct e.category_id, f.key from event e, json_each(e.fields) f
        where e.category_id in (${ids}) and e.created_at >= ${since}`;
  return (await query.execute(db)).rows;
}

/** Per field: times seen, numeric values, their sum. */
export type FieldTotals = Record<string, { seen: number; numeric: number; sum: number }>;

/** Field names seen in the range with how often (all types) — for a day's rollup. */
export async function fieldTotalsInRange(db: Db, categoryId: string, r: Range): Promise<FieldTotals> {
  const query = isPostgres(db)
    ? sql<{ key: string; seen: string; total: string | null; numeric: string }>`
        select f.key, count(*) as seen, sum(case when jsonb_typeof(f.value) = 'number' then (f.value #>> '{}')::numeric end) as total,
               count(*) filter (where jsonb_typeof(f.value) = 'number') as numeric
        from event e, jsonb_each(e.fields) f
        where e.category_id = ${categoryId} and e.created_at >= ${r.from} and e.created_at < ${r.to}
        group by f.key`
    : sql<{ key: string; seen: number; total: number | null; numeric: number }>`
        select f.key, count(*) as seen, sum(case when f.type in ('integer', 'real') then f.value end) as total,
               sum(f.type in ('integer', 'real')) as numeric
        from event e, json_each(e.fields) f
        where e.category_id = ${categoryId} and e.created_at >= ${r.from} and e.created_at < ${r.to}
        group by f.key`;
  const { rows } = await query.execute(db);
  return Object.fromEntries(rows.map((row) => [row.key, { seen: Number(row.seen), numeric: Number(row.numeric), sum: Number(row.total ?? 0) }]));
}

export function findCategoryDays(db: Db, categoryIds: string[], fromDay: string, toDay: string) {
  if (!categoryIds.length) return Promise.resolve([]);
  return db.selectFrom("category_day").selectAll().where("category_id", "in", categoryIds).where("day", ">=", fromDay).where("day", "<", toDay).execute();
}

/** Which of these exact (category, day) pairs already have a rollup: one lookup by row value on the primary key. */
export function findCategoryDayKeys(db: Db, pairs: { categoryId: string; day: string }[]) {
  if (!pairs.length) return Promise.resolve([]);
  return db
    .selectFrom("category_day")
    .select(["category_id", "day"])
    .where((eb) =>
      eb(
        eb.refTuple("category_id", "day"),
        "in",
        pairs.map((p) => eb.tuple(p.categoryId, p.day)),
      ),
    )
    .execute();
}

export function insertCategoryDay(db: Db, row: { categoryId: string; day: string; events: number; fields: FieldTotals }) {
  return db
    .insertInto("category_day")
    .values({ category_id: row.categoryId, day: row.day, events: row.events, fields: JSON.stringify(row.fields) })
    .onConflict((oc) => oc.columns(["category_id", "day"]).doNothing())
    .execute();
}

/**
 * Categories (of every user) with events in [from, to): whose day rollups are worth computing
 * ahead. One index seek per category on event (category_id, created_at, id), not a scan of events.
 */
export async function findCategoriesWithEventsBetween(db: Db, r: Range) {
  const rows = await db
    .selectFrom("category")
    .select("category.id")
    .where((eb) => eb.exists(eb.selectFrom("event").select("event.id").whereRef("event.category_id", "=", "category.id").where("event.created_at", ">=", r.from).where("event.created_at", "<", r.to)))
    .execute();
  return rows.map((row) => row.id);
}
