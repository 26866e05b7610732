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

/** Every field name seen in the range, with the sum and count of its numeric values (booleans are not numbers). */
export async function fieldStatsInRange(db: Db, categoryId: string, r: Range) {
  const query = isPostgres(db)
    ? sql<{ key: string; total: string | number | null; numeric: string | number }>`
        select f.key, sum(case when jsonb_typeof(f.value) = 'number' then (f.value #>> '{}')::numeric end) as total,
               count(*) filter (where jsonb_typeof(f.value) = 'number') as numeric
        from event e, jsonb_each(e.fields) f
        where e.category_id = ${categoryId} and e.created_at >= ${r.from} and e.created_at < ${r.to}
        group by f.key order by f.key`
    : sql<{ key: string; total: number | null; numeric: number }>`
        select f.key, sum(case when f.type in ('integer', 'real') then f.value end) as total,
               sum(f.type in ('integer', 'real')) as numeric
        from event e, json_each(e.fields) f
        where e.category_id = ${categoryId} and e.created_at >= ${r.from} and e.created_at < ${r.to}
        group by f.key order by f.key`;
  const { rows } = await query.execute(db);
  return rows.map((row) => ({ key: row.key, numericCount: Number(row.numeric), sum: row.total === null ? null : Number(row.total) }));
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

/** Per category of the user: distinct field names used since `since` (the dashboard cards), one grouped query. */
export async function distinctFieldCountsSince(db: Db, userId: string, since: string) {
  const query = isPostgres(db)
    ? sql<{ category_id: string; n: string }>`
        select e.category_id, count(distinct f.key) as n from event e, jsonb_each(e.fields) f
        where e.user_id = ${userId} and e.created_at >= ${since} group by e.category_id`
    : sql<{ category_id: string; n: number }>`
        select e.category_id, count(distinct f.key) as n from event e, json_each(e.fields) f
        where e.user_id = ${userId} and e.created_at >= ${since} group by e.category_id`;
  const { rows } = await query.execute(db);
  return new Map(rows.map((r) => [r.category_id, Number(r.n)]));
}
