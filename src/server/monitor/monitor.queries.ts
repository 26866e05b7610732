import { sql, type RawBuilder } from "kysely";
import { isPostgres, type Db } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { MonitorKind, MonitorState } from "@/server/db/types";

/**
 * The SQL of monitors. Evaluation reads only what an index reaches: event (category_id,
 * created_at, id) for the newest matching event and for a window's aggregates (never past the
 * window's start), and category_day for whole closed days (rollup.service). JSON fields are
 * read per dialect: jsonb operators on PostgreSQL, json_extract/json_type on SQLite.
 */

/** One top-level field equal to a value (see monitor.input.ts). */
export type EventFilter = { field: string; equals: string | number | boolean };

const fieldPath = (field: string) => `$."${field}"`;

/** `e.fields` matches the filter; the value's JSON type must match as well. */
function filterCondition(db: Db, f: EventFilter): RawBuilder<unknown> {
  if (isPostgres(db)) return sql`e.fields @> ${JSON.stringify({ [f.field]: f.equals })}::jsonb`;
  const path = fieldPath(f.field);
  if (typeof f.equals === "boolean") return sql`json_type(e.fields, ${path}) = ${f.equals ? "true" : "false"}`;
  if (typeof f.equals === "number") return sql`(json_type(e.fields, ${path}) in ('integer', 'real') and json_extract(e.fields, ${path}) = ${f.equals})`;
  return sql`(json_type(e.fields, ${path}) = 'text' and json_extract(e.fields, ${path}) = ${f.equals})`;
}

/** The field's value when it is a JSON number, else null. */
function numericValue(db: Db, field: string): RawBuilder<number | null> {
  if (isPostgres(db)) return sql`case when jsonb_typeof(e.fields -> ${field}::text) = 'number' then (e.fields ->> ${field}::text)::float8 end`;
  const path = fieldPath(field);
  return sql`case when json_type(e.fields, ${path}) in ('integer', 'real') then json_extract(e.fields, ${path}) end`;
}

/** The `ping` field as text (success | start | fail on ping events), or null. */
const pingField = (db: Db): RawBuilder<string | null> => (isPostgres(db) ? sql`(e.fields ->> 'ping')` : sql`json_extract(e.fields, '$.ping')`);
/** The monitor whose ping URL recorded the event (ping events only). */
const pingMonitorField = (db: Db): RawBuilder<string | null> => (isPostgres(db) ? sql`(e.fields ->> 'monitor')` : sql`json_extract(e.fields, '$.monitor')`);

/** No field to read (count): a typed null, so PostgreSQL can still sum/min/max it. */
const noValue = (db: Db): RawBuilder<number | null> => (isPostgres(db) ? sql`null::float8` : sql`null`);

const and = (db: Db, f: EventFilter | null) => (f ? sql`and ${filterCondition(db, f)}` : sql``);

// ---------------------------------------------------------------------------------------------
// Reading events for an evaluation

/**
 * A heartbeat's newest signal in [since, until]: a success ping, its own fail ping (another
 * heartbeat's /fail on the same category says nothing about this one), or any other event
 * matching the filter (a `start` ping never counts). Newest first off the index, so it stops at
 * the first match and never reads past `since` (the last signal already known: read again, so an
 * event accepted in the same millisecond after it is not missed; ties go by id, i.e. by order).
 */
export async function findLatestSignal(db: Db, r: { monitorId: string; categoryId: string; since: string; until: string; filter: EventFilter | null }) {
  const ping = pingField(db);
  const pinged = pingMonitorField(db);
  const { rows } = await sql<{ created_at: Date | string; ping: string | null }>`
    select e.created_at, ${ping} as ping from event e
    where e.category_id = ${r.categoryId} and e.created_at >= ${r.since} and e.created_at <= ${r.until}
      and (${ping} = 'success' or (${ping} = 'fail' and ${pinged} = ${r.monitorId}) or (coalesce(${ping}, '') not in ('success', 'fail', 'start') ${and(db, r.filter)}))
    order by e.created_at desc, e.id desc limit 1`.execute(db);
  return rows[0];
}

export type WindowAggregate = { n: number; numeric: number; sum: number; min: number | null; max: number | null; firstAt: Date | string | null };

/** count / sum / min / max of the events (matching the filter) accepted in (after, until]. */
export async function aggregateEvents(db: Db, r: { categoryId: string; after: string; until: string; field: string | null; filter: EventFilter | null }): Promise<WindowAggregate> {
  const value = r.field ? numericValue(db, r.field) : noValue(db);
  const { rows } = await sql<{ n: string | number; nv: string | number; total: string | number | null; lo: number | null; hi: number | null; first_at: Date | string | null }>`
    select count(*) as n, count(w.v) as nv, sum(w.v) as total, min(w.v) as lo, max(w.v) as hi, min(w.created_at) as first_at
    from (select e.created_at, ${value} as v from event e
          where e.category_id = ${r.categoryId} and e.created_at > ${r.after} and e.created_at <= ${r.until} ${and(db, r.filter)}) w`.execute(db);
  const row = rows[0];
  return {
    n: Number(row?.n ?? 0),
    numeric: Number(row?.nv ?? 0),
    sum: Number(row?.total ?? 0),
    min: row?.lo == null ? null : Number(row.lo),
    max: row?.hi == null ? null : Number(row.hi),
    firstAt: row?.first_at ?? null,
  };
}

/** When the first event after `after` was accepted (one index seek), or undefined. */
export async function findFirstEventAfter(db: Db, categoryId: string, after: string) {
  const row = await db.selectFrom("event").select("created_at").where("category_id", "=", categoryId).where("created_at", ">", after).orderBy("created_at").limit(1).executeTakeFirst();
  return row?.created_at;
}

/**
 * Aggregates per step over (start, end]: bucket k holds (start + k·step, start + (k+1)·step].
 * One grouped range read of the category's events in the range (the threshold preview).
 */
export async function aggregateByStep(db: Db, r: { categoryId: string; start: string; end: string; stepMs: number; field: string | null; filter: EventFilter | null }) {
  const value = r.field ? numericValue(db, r.field) : noValue(db);
  const bucket = isPostgres(db)
    ? sql`(round(extract(epoch from (e.created_at - ${r.start}::timestamptz)) * 1000)::bigint - 1) / ${r.stepMs}::bigint`
    : sql`(cast(round((julianday(e.created_at) - julianday(${r.start})) * 86400000) as integer) - 1) / cast(${r.stepMs} as integer)`;
  const { rows } = await sql<{ bucket: string | number; n: string | number; nv: string | number; total: number | string | null; lo: number | null; hi: number | null }>`
    select w.bucket, count(*) as n, count(w.v) as nv, sum(w.v) as total, min(w.v) as lo, max(w.v) as hi
    from (select ${bucket} as bucket, ${value} as v from event e
          where e.category_id = ${r.categoryId} and e.created_at > ${r.start} and e.created_at <= ${r.end} ${and(db, r.filter)}) w
    group by w.bucket`.execute(db);
  return rows.map((row) => ({
    bucket: Number(row.bucket),
    n: Number(row.n),
    numeric: Number(row.nv),
    sum: Number(row.total ?? 0),
    min: row.lo == null ? null : Number(row.lo),
    max: row.hi == null ? null : Number(row.hi),
  }));
}

// ---------------------------------------------------------------------------------------------
// Monitors

const monitorColumns = [
  "monitor.id",
  "monitor.workspace_id",
  "monitor.category_id",
  "monitor.name",
  "monitor.kind",
  "monitor.config",
  "monitor.filter",
  "monitor.renotify_seconds",
  "monitor.paused",
  "monitor.state",
  "monitor.state_since",
  "monitor.version",
  "monitor.next_check_at",
  "monitor.last_event_at",
  "monitor.last_event_fail",
  "monitor.last_value",
  "monitor.open_incident_id",
  "monitor.run_started_at",
  "monitor.created_at",
  "monitor.updated_at",
] as const;

export type NewMonitorRow = {
  id: string;
  workspaceId: string;
  categoryId: string;
  name: string;
  kind: MonitorKind;
  config: string;
  filter: string | null;
  renotifySeconds: number | null;
  state: MonitorState;
  pingTokenHash: string | null;
  nextCheckAt: string;
  now: string;
};

export function insertMonitor(db: Db, m: NewMonitorRow) {
  return db
    .insertInto("monitor")
    .values({
      id: m.id,
      workspace_id: m.workspaceId,
      category_id: m.categoryId,
      name: m.name,
      kind: m.kind,
      config: m.config,
      filter: m.filter,
      renotify_seconds: m.renotifySeconds,
      paused: 0,
      state: m.state,
      state_since: m.now,
      next_check_at: m.nextCheckAt,
      ping_token_hash: m.pingTokenHash,
      created_at: m.now,
      updated_at: m.now,
    })
    .execute();
}

export function countMonitors(db: Db, workspaceId: string) {
  return db
    .selectFrom("monitor")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("workspace_id", "=", workspaceId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

const monitorsWithCategory = (db: Db, workspaceId: string) =>
  db
    .selectFrom("monitor")
    .innerJoin("category", "category.id", "monitor.category_id")
    .select([...monitorColumns, "category.name as category_name"])
    .where("monitor.workspace_id", "=", workspaceId);

export type MonitorRow = Awaited<ReturnType<typeof findMonitor>> & {};

export function findMonitor(db: Db, workspaceId: string, id: string) {
  return monitorsWithCategory(db, workspaceId).where("monitor.id", "=", id).executeTakeFirst();
}

export function listMonitorRows(db: Db, workspaceId: string) {
  return monitorsWithCategory(db, workspaceId).orderBy("monitor.created_at").orderBy("monitor.id").execute();
}

/** Each monitor's newest incident (one seek per monitor on (monitor_id, started_at)). */
export function listLatestIncidents(db: Db, workspaceId: string) {
  return db
    .selectFrom("monitor_incident as i")
    .select(["i.id", "i.monitor_id", "i.started_at", "i.ended_at"])
    .where("i.workspace_id", "=", workspaceId)
    .where((eb) =>
      eb("i.id", "=", eb.selectFrom("monitor_incident as j").select("j.id").whereRef("j.monitor_id", "=", "i.monitor_id").orderBy("j.started_at", "desc").orderBy("j.id", "desc").limit(1)),
    )
    .execute();
}

/**
 * A user's change (settings, pause, resume): bumps the version and drops any claim, so an
 * evaluation in flight cannot commit over it; the monitor is due again at `nextCheckAt`.
 */
export async function updateMonitorRow(
  db: Db,
  workspaceId: string,
  id: string,
  patch: Partial<{
    name: string;
    category_id: string;
    config: string;
    filter: string | null;
    renotify_seconds: number | null;
    paused: number;
    state: MonitorState;
    state_since: string;
    last_event_at: string | null;
    last_event_fail: number;
    last_value: number | null;
    open_incident_id: string | null;
    next_check_at: string | null;
  }>,
  now: string,
) {
  const result = await db
    .updateTable("monitor")
    .set((eb) => ({ ...patch, version: eb("version", "+", 1), lease_until: null, claim_token: null, dirty: 0, updated_at: now }))
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteMonitorRow(db: Db, workspaceId: string, id: string) {
  const result = await db.deleteFrom("monitor").where("workspace_id", "=", workspaceId).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// ---------------------------------------------------------------------------------------------
// Incidents

export function insertIncident(db: Db, r: { id: string; monitorId: string; workspaceId: string; startedAt: string; reason: string }) {
  return db
    .insertInto("monitor_incident")
    .values({ id: r.id, monitor_id: r.monitorId, workspace_id: r.workspaceId, started_at: r.startedAt, reason: r.reason, last_notified_at: r.startedAt, notifications: 1 })
    .execute();
}

/** Closes the incident if it is still open; false when it was not. */
export async function endIncident(db: Db, id: string, endedAt: string, resolution: "recovered" | "paused" | "reset") {
  const result = await db.updateTable("monitor_incident").set({ ended_at: endedAt, resolution }).where("id", "=", id).where("ended_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function markIncidentNotified(db: Db, id: string, at: string) {
  return db
    .updateTable("monitor_incident")
    .set((eb) => ({ last_notified_at: at, notifications: eb("notifications", "+", 1) }))
    .where("id", "=", id)
    .execute();
}

export function findIncident(db: Db, id: string) {
  return db.selectFrom("monitor_incident").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The workspace's incidents (of one monitor, or all), newest first, with the monitor's name. */
export function listIncidentRows(db: Db, r: { workspaceId: string; monitorId?: string; limit: number }) {
  let q = db
    .selectFrom("monitor_incident as i")
    .innerJoin("monitor as m", "m.id", "i.monitor_id")
    .select(["i.id", "i.monitor_id", "m.name as monitor_name", "i.started_at", "i.ended_at", "i.reason", "i.resolution", "i.notifications"])
    .where("i.workspace_id", "=", r.workspaceId);
  if (r.monitorId) q = q.where("i.monitor_id", "=", r.monitorId);
  return q.orderBy("i.started_at", "desc").orderBy("i.id", "desc").limit(r.limit).execute();
}

// ---------------------------------------------------------------------------------------------
// The worker: claims, guarded commits, marks

/** What an evaluation reads of a claimed monitor. */
export type ClaimedMonitor = {
  id: string;
  workspace_id: string;
  category_id: string;
  name: string;
  kind: MonitorKind;
  config: string;
  filter: string | null;
  renotify_seconds: number | null;
  state: MonitorState;
  state_since: Date | string;
  version: number;
  last_event_at: Date | string | null;
  last_event_fail: boolean | number;
  last_value: number | null;
  open_incident_id: string | null;
  created_at: Date | string;
};
const claimedColumns = [
  "id",
  "workspace_id",
  "category_id",
  "name",
  "kind",
  "config",
  "filter",
  "renotify_seconds",
  "state",
  "state_since",
  "version",
  "last_event_at",
  "last_event_fail",
  "last_value",
  "open_incident_id",
  "created_at",
] as const;

/**
 * Claims up to `limit` due monitors (next_check_at passed, not paused, no live lease) for one
 * evaluation each: they get `claimToken` and a lease, and `dirty` is cleared (events after this
 * point mark it again). PostgreSQL: `for update skip locked`, so concurrent workers never claim
 * the same monitor; SQLite: one writer, the select and update in one transaction.
 */
export async function claimDueMonitors(db: Db, r: { claimToken: string; now: string; leaseUntil: string; limit: number }): Promise<ClaimedMonitor[]> {
  const due = (q: Db) =>
    q
      .selectFrom("monitor")
      .select("id")
      .where("next_check_at", "<=", r.now)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", r.now)]))
      .orderBy("next_check_at")
      .limit(r.limit);
  if (isPostgres(db)) {
    const { rows } = await sql<ClaimedMonitor>`
      update monitor set lease_until = ${r.leaseUntil}, claim_token = ${r.claimToken}, dirty = false
      where id in (${due(db).forUpdate().skipLocked()})
      returning ${sql.join(claimedColumns.map((c) => sql.ref(c)))}`.execute(db);
    return rows;
  }
  return db.transaction().execute(async (trx) => {
    const ids = (await due(trx).execute()).map((row) => row.id);
    if (!ids.length) return [];
    return trx.updateTable("monitor").set({ lease_until: r.leaseUntil, claim_token: r.claimToken, dirty: 0 }).where("id", "in", ids).returning(claimedColumns).execute();
  });
}

export type EvaluationWrite = {
  state: MonitorState;
  stateSince: string;
  lastEventAt: string | null;
  lastEventFail: boolean;
  lastValue: number | null;
  openIncidentId: string | null;
  nextCheckAt: string;
};

/**
 * The evaluation's outcome, written only if the monitor is still as it was claimed (same
 * version, same claim): a user's change, a delete, or another worker that took over an
 * expired lease makes it a no-op (undefined). Returns whether events arrived meanwhile (then it
 * is due again at once).
 */
export async function commitEvaluation(db: Db, r: { id: string; version: number; claimToken: string; now: string; write: EvaluationWrite }) {
  const w = r.write;
  const row = await db
    .updateTable("monitor")
    .set((eb) => ({
      state: w.state,
      state_since: w.stateSince,
      last_event_at: w.lastEventAt,
      last_event_fail: w.lastEventFail ? 1 : 0,
      last_value: w.lastValue,
      open_incident_id: w.openIncidentId,
      next_check_at: w.nextCheckAt,
      lease_until: null,
      claim_token: null,
      version: eb("version", "+", 1),
      updated_at: r.now,
    }))
    .where("id", "=", r.id)
    .where("version", "=", r.version)
    .where("claim_token", "=", r.claimToken)
    .returning("dirty")
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.dirty) await db.updateTable("monitor").set({ next_check_at: r.now }).where("id", "=", r.id).execute();
  return { dirty: Boolean(row.dirty) };
}

/**
 * Events arrived in these categories: their threshold monitors, and heartbeats waiting for a
 * first event, late or down, are due now and marked dirty (an evaluation in flight re-runs).
 * A heartbeat that is up needs nothing: its deadline reads the newest event when it comes.
 */
export async function markCategoriesDue(db: Db, categoryIds: string[], now: string) {
  if (!categoryIds.length) return 0;
  const result = await db
    .updateTable("monitor")
    .set({ dirty: 1, next_check_at: now })
    .where("category_id", "in", categoryIds)
    .where("next_check_at", "is not", null)
    .where("dirty", "=", 0)
    .where((eb) => eb.or([eb("kind", "=", "threshold"), eb("state", "!=", "up")]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** One monitor due now (a /fail ping), unless paused. */
export function markMonitorDue(db: Db, id: string, now: string) {
  return db.updateTable("monitor").set({ dirty: 1, next_check_at: now }).where("id", "=", id).where("next_check_at", "is not", null).execute();
}

/** Every threshold monitor due now: a worker starting, or its live bus reconnecting, may have missed events. */
export function markThresholdsDue(db: Db, now: string) {
  return db.updateTable("monitor").set({ next_check_at: now }).where("kind", "=", "threshold").where("next_check_at", ">", now).execute();
}

/** When the next monitor is due (unclaimed or with an expired lease), for the job's sleep. */
export async function findEarliestDue(db: Db, now: string) {
  const row = await db
    .selectFrom("monitor")
    .select("next_check_at")
    .where("next_check_at", "is not", null)
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", now)]))
    .orderBy("next_check_at")
    .limit(1)
    .executeTakeFirst();
  return row?.next_check_at ?? undefined;
}

/** (workspace, category name) → category id of every category watched by an active monitor: the job's bell filter. */
export function listWatchedCategories(db: Db) {
  return db
    .selectFrom("monitor")
    .innerJoin("category", "category.id", "monitor.category_id")
    .select(["monitor.workspace_id", "category.name", "category.id"])
    .where("monitor.paused", "=", 0)
    .distinct()
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Ping URLs

/** Lookup by the SHA-256 of the presented token (an index probe); `owner_suspended_at` as for API keys. */
export function findMonitorByPingHash(db: Db, hash: string) {
  return db
    .selectFrom("monitor")
    .innerJoin("category", "category.id", "monitor.category_id")
    .innerJoin("workspace", "workspace.id", "monitor.workspace_id")
    .leftJoin("workspace_member as owner_member", (j) => j.onRef("owner_member.workspace_id", "=", "workspace.id").on("owner_member.role", "=", "owner"))
    .leftJoin("user as owner", "owner.id", "owner_member.user_id")
    .select(["monitor.id", "monitor.workspace_id", "monitor.run_started_at", "monitor.paused", "category.name as category_name", "workspace.plan", "owner.suspended_at as owner_suspended_at"])
    .where("monitor.ping_token_hash", "=", hash)
    .where("monitor.kind", "=", "heartbeat")
    .executeTakeFirst();
}

/** A /start ping records when the run began; success or fail takes it (once) to measure the run. */
export function setRunStarted(db: Db, id: string, at: string | null) {
  return db.updateTable("monitor").set({ run_started_at: at }).where("id", "=", id).execute();
}

export function replacePingTokenHash(db: Db, workspaceId: string, id: string, hash: string) {
  return db.updateTable("monitor").set({ ping_token_hash: hash }).where("workspace_id", "=", workspaceId).where("id", "=", id).execute();
}

// ---------------------------------------------------------------------------------------------
// The system category alerts are stored in

export const MONITORS_CATEGORY = "monitors";

/**
 * The workspace's "monitors" category, created on first need (a category of that name made by
 * a user before monitors existed becomes the system one). Inside the alert's transaction.
 */
export async function ensureMonitorsCategory(db: Db, workspaceId: string, now: string) {
  const existing = await db.selectFrom("category").select(["id", "system"]).where("workspace_id", "=", workspaceId).where("name", "=", MONITORS_CATEGORY).executeTakeFirst();
  if (existing) {
    if (!existing.system) await db.updateTable("category").set({ system: 1 }).where("id", "=", existing.id).execute();
    return existing.id;
  }
  await db
    .insertInto("category")
    .values({ id: newId(), workspace_id: workspaceId, name: MONITORS_CATEGORY, color: "#EF4444", emoji: "🚨", system: 1, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(["workspace_id", "name"]).doNothing())
    .execute();
  const row = await db.selectFrom("category").select("id").where("workspace_id", "=", workspaceId).where("name", "=", MONITORS_CATEGORY).executeTakeFirstOrThrow();
  return row.id;
}
