import { createHash, randomBytes } from "node:crypto";
import type { z } from "zod";
import { toDate, type Db } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { MonitorState } from "@/server/db/types";
import { AppError } from "@/server/errors";
import { ingestEvent } from "@/server/event/event.service";
import type { Services } from "@/server/services";
import { DAY_MS } from "@/server/stats/rollup.service";
import { requireRole, type WorkspaceAccess } from "@/server/workspace/workspace.service";
import { aggregateValue, crosses, readWindow } from "./monitor.evaluate";
import { createMonitorInput, previewInput, type CreateMonitorInput, type FilterInput, type HeartbeatInput, type PreviewInput, type ThresholdInput, type UpdateMonitorInput } from "./monitor.input";
import {
  aggregateByStep,
  countMonitors,
  deleteMonitorRow,
  endIncident,
  ensureMonitorsCategory,
  findMonitor,
  findMonitorByPingHash,
  insertMonitor,
  listIncidentRows,
  listLatestIncidents,
  listMonitorRows,
  markMonitorDue,
  setRunStarted,
  updateMonitorRow,
  type MonitorRow,
} from "./monitor.queries";

/**
 * Monitors (ADR 0005): heartbeats ("at least one event every …" or on a cron schedule) and
 * thresholds (an aggregate over a sliding window against a bound) on a category. Members read
 * them; owners and admins (and API keys) change them. The worker evaluates them
 * (monitor.evaluate.ts); every change here bumps the monitor's version, so an evaluation in
 * flight never commits over it, and makes the monitor due at once, so it is re-evaluated.
 */

/** Per workspace. Each costs an evaluation at its deadlines and, for thresholds, on new events. */
export const MAX_MONITORS_PER_WORKSPACE = 500;
const RECENT_INCIDENTS = 20;
const INCIDENTS_PAGE = 100;

export type MonitorDeps = Pick<Services, "db" | "clock" | "realtime" | "monitorBell" | "env">;
type Access = Pick<WorkspaceAccess, "id" | "role">;

/** Monitors of the workspace changed: the job re-reads which categories are watched; open monitors pages refetch. */
function announce(deps: Pick<MonitorDeps, "realtime" | "monitorBell">, workspaceId: string, monitorId: string, state: MonitorState | "deleted") {
  deps.monitorBell.ring({ workspaceId });
  deps.realtime.publish(workspaceId, { type: "monitor.updated", monitorId, state });
}

const iso = (v: Date | string | null) => (v === null ? null : toDate(v).toISOString());

function toMonitorDto(row: MonitorRow, lastIncident?: { id: string; started_at: Date | string; ended_at: Date | string | null }) {
  const settings = JSON.parse(row.config) as HeartbeatInput | ThresholdInput;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    categoryId: row.category_id,
    categoryName: row.category_name,
    state: row.state,
    paused: Boolean(row.paused),
    stateSince: iso(row.state_since)!,
    lastEventAt: iso(row.last_event_at),
    lastValue: row.last_value,
    lastIncident: lastIncident ? { id: lastIncident.id, startedAt: iso(lastIncident.started_at)!, endedAt: iso(lastIncident.ended_at) } : null,
    nextCheckAt: iso(row.next_check_at),
    config: {
      heartbeat: row.kind === "heartbeat" ? (settings as HeartbeatInput) : null,
      threshold: row.kind === "threshold" ? (settings as ThresholdInput) : null,
      filter: row.filter ? (JSON.parse(row.filter) as FilterInput) : null,
      renotifySeconds: row.renotify_seconds,
    },
    createdAt: iso(row.created_at)!,
  };
}
export type MonitorDto = ReturnType<typeof toMonitorDto>;

function toIncidentDto(r: Awaited<ReturnType<typeof listIncidentRows>>[number]) {
  const started = toDate(r.started_at);
  const ended = r.ended_at === null ? null : toDate(r.ended_at);
  return {
    id: r.id,
    monitorId: r.monitor_id,
    monitorName: r.monitor_name,
    startedAt: started.toISOString(),
    endedAt: ended?.toISOString() ?? null,
    durationSeconds: ended ? Math.round((ended.getTime() - started.getTime()) / 1000) : null,
    reason: r.reason,
    resolution: r.resolution,
    notifications: Number(r.notifications),
  };
}

async function monitorOrThrow(db: Db, workspaceId: string, id: string) {
  const row = await findMonitor(db, workspaceId, id);
  if (!row) throw new AppError("NOT_FOUND", "Monitor not found.");
  return row;
}

/** A category of this workspace that a monitor may watch: not another workspace's (404), not the monitors' own (their alerts). */
async function watchableCategory(db: Db, workspaceId: string, categoryId: string) {
  const row = await db.selectFrom("category").select(["id", "name", "system"]).where("workspace_id", "=", workspaceId).where("id", "=", categoryId).executeTakeFirst();
  if (!row) throw new AppError("NOT_FOUND", "Category not found.", { field: "categoryId" });
  if (row.system) throw new AppError("VALIDATION_FAILED", "categoryId: monitors cannot watch their own alerts.", [{ field: "categoryId", message: "monitors cannot watch their own alerts." }]);
  return row;
}

/** zod issues in the one validation shape (422, every field named in details). */
function checked<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ field: i.path.join(".") || "(input)", message: i.message }));
  throw new AppError("VALIDATION_FAILED", `${details[0]!.field}: ${details[0]!.message}`, details);
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function listMonitors(db: Db, ws: Access) {
  const [rows, incidents] = await Promise.all([listMonitorRows(db, ws.id), listLatestIncidents(db, ws.id)]);
  const latest = new Map(incidents.map((i) => [i.monitor_id, i]));
  return rows.map((r) => toMonitorDto(r, latest.get(r.id)));
}

export async function getMonitor(db: Db, ws: Access, id: string) {
  const row = await monitorOrThrow(db, ws.id, id);
  const incidents = (await listIncidentRows(db, { workspaceId: ws.id, monitorId: id, limit: RECENT_INCIDENTS })).map(toIncidentDto);
  const last = incidents[0];
  return {
    ...toMonitorDto(row, last && { id: last.id, started_at: last.startedAt, ended_at: last.endedAt }),
    incidents,
  };
}

/** Newest first, at most 100; of one monitor (404 if not the workspace's) or of all. */
export async function listIncidents(db: Db, ws: Access, monitorId?: string) {
  if (monitorId) await monitorOrThrow(db, ws.id, monitorId);
  return (await listIncidentRows(db, { workspaceId: ws.id, monitorId, limit: INCIDENTS_PAGE })).map(toIncidentDto);
}

// ---------------------------------------------------------------------------------------------
// Writing

/** 24 random bytes (192 bits), URL-safe; only its SHA-256 is stored. */
const newPingToken = () => randomBytes(24).toString("base64url");
export const hashPingToken = (token: string) => createHash("sha256").update(token).digest("hex");

const settingsOf = (input: Pick<CreateMonitorInput, "kind" | "heartbeat" | "threshold">) => JSON.stringify(input.kind === "heartbeat" ? input.heartbeat : input.threshold);

/** `pingToken` (heartbeats): shown once, never again; only its hash is kept. */
export type CreatedMonitor = { id: string; pingToken?: string; pingUrl?: string };

export async function createMonitor(deps: MonitorDeps, ws: Access, raw: CreateMonitorInput): Promise<CreatedMonitor> {
  requireRole(ws, "admin");
  const input = checked(createMonitorInput, raw);
  const now = deps.clock().toISOString();
  await watchableCategory(deps.db, ws.id, input.categoryId);
  const pingToken = input.kind === "heartbeat" ? newPingToken() : undefined;
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    if ((await countMonitors(trx, ws.id)) >= MAX_MONITORS_PER_WORKSPACE) throw new AppError("FORBIDDEN", `A workspace can have at most ${MAX_MONITORS_PER_WORKSPACE} monitors.`);
    await insertMonitor(trx, {
      id,
      workspaceId: ws.id,
      categoryId: input.categoryId,
      name: input.name,
      kind: input.kind,
      config: settingsOf(input),
      filter: input.filter ? JSON.stringify(input.filter) : null,
      renotifySeconds: input.renotifySeconds ?? null,
      state: input.kind === "heartbeat" ? "waiting" : "ok",
      pingTokenHash: pingToken ? hashPingToken(pingToken) : null,
      nextCheckAt: now,
      now,
    });
    // Where its alerts will go, there from the start: members can choose their channels for it before the first one.
    await ensureMonitorsCategory(trx, ws.id, now);
  });
  announce(deps, ws.id, id, input.kind === "heartbeat" ? "waiting" : "ok");
  return pingToken ? { id, pingToken, pingUrl: `${deps.env.APP_URL}/api/v1/ping/${pingToken}` } : { id };
}

/**
 * Changes what is given; the kind stays. A new category starts the monitor over (waiting /
 * ok, its open incident closed without a notice); any other change is re-evaluated at once,
 * so a recovery or an alert follows from the new settings.
 */
export async function updateMonitor(deps: MonitorDeps, ws: Access, id: string, patch: UpdateMonitorInput) {
  requireRole(ws, "admin");
  const row = await monitorOrThrow(deps.db, ws.id, id);
  if (row.kind === "heartbeat" && patch.threshold)
    throw new AppError("VALIDATION_FAILED", "threshold: a heartbeat monitor takes no threshold settings.", [{ field: "threshold", message: "a heartbeat monitor takes no threshold settings." }]);
  if (row.kind === "threshold" && patch.heartbeat)
    throw new AppError("VALIDATION_FAILED", "heartbeat: a threshold monitor takes no heartbeat settings.", [{ field: "heartbeat", message: "a threshold monitor takes no heartbeat settings." }]);
  const current = toMonitorDto(row).config;
  const merged = checked(createMonitorInput, {
    name: patch.name ?? row.name,
    categoryId: patch.categoryId ?? row.category_id,
    kind: row.kind,
    heartbeat: row.kind === "heartbeat" ? (patch.heartbeat ?? current.heartbeat) : undefined,
    threshold: row.kind === "threshold" ? (patch.threshold ?? current.threshold) : undefined,
    filter: patch.filter === undefined ? current.filter : patch.filter,
    renotifySeconds: patch.renotifySeconds === undefined ? current.renotifySeconds : patch.renotifySeconds,
  });
  const retarget = merged.categoryId !== row.category_id;
  if (retarget) await watchableCategory(deps.db, ws.id, merged.categoryId);
  const now = deps.clock().toISOString();
  const paused = Boolean(row.paused);
  const fresh: MonitorState = row.kind === "heartbeat" ? "waiting" : "ok";
  await deps.db.transaction().execute(async (trx) => {
    const ok = await updateMonitorRow(
      trx,
      ws.id,
      id,
      {
        name: merged.name,
        category_id: merged.categoryId,
        config: settingsOf(merged),
        filter: merged.filter ? JSON.stringify(merged.filter) : null,
        renotify_seconds: merged.renotifySeconds ?? null,
        next_check_at: paused ? null : now,
        ...(retarget ? { state: paused ? "paused" : fresh, state_since: now, last_event_at: null, last_event_fail: 0, last_value: null, open_incident_id: null } : {}),
      },
      now,
    );
    if (!ok) throw new AppError("NOT_FOUND", "Monitor not found.");
    if (retarget && row.open_incident_id) await endIncident(trx, row.open_incident_id, now, "reset");
  });
  announce(deps, ws.id, id, retarget && !paused ? fresh : row.state);
  return getMonitor(deps.db, ws, id);
}

/** No evaluation and no alert while paused; an open incident ends (without a recovery notice). */
export async function pauseMonitor(deps: MonitorDeps, ws: Access, id: string) {
  requireRole(ws, "admin");
  const row = await monitorOrThrow(deps.db, ws.id, id);
  if (row.paused) return { id, state: "paused" as MonitorState };
  const now = deps.clock().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await updateMonitorRow(trx, ws.id, id, { paused: 1, state: "paused", state_since: now, next_check_at: null, open_incident_id: null }, now);
    if (row.open_incident_id) await endIncident(trx, row.open_incident_id, now, "paused");
  });
  announce(deps, ws.id, id, "paused");
  return { id, state: "paused" as MonitorState };
}

/**
 * Evaluated again at once from what happened meanwhile: a heartbeat whose last event is too old
 * goes down (and alerts) right away; one that never had an event waits for its first.
 */
export async function resumeMonitor(deps: MonitorDeps, ws: Access, id: string) {
  requireRole(ws, "admin");
  const row = await monitorOrThrow(deps.db, ws.id, id);
  const state: MonitorState = row.kind === "threshold" ? "ok" : row.last_event_at ? "up" : "waiting";
  if (!row.paused) return { id, state: row.state };
  const now = deps.clock().toISOString();
  await updateMonitorRow(deps.db, ws.id, id, { paused: 0, state, state_since: now, next_check_at: now }, now);
  announce(deps, ws.id, id, state);
  return { id, state };
}

/** Its incidents go with it; its alerts stay in the "monitors" category like any event. */
export async function deleteMonitor(deps: MonitorDeps, ws: Access, id: string) {
  requireRole(ws, "admin");
  if (!(await deleteMonitorRow(deps.db, ws.id, id))) throw new AppError("NOT_FOUND", "Monitor not found.");
  announce(deps, ws.id, id, "deleted");
  return { id };
}

// ---------------------------------------------------------------------------------------------
// Preview

const PREVIEW_RANGE_MS = 7 * DAY_MS;
/** Windows in a preview at most (a 1-minute window looks back 33.6 h instead of 7 days). */
const MAX_PREVIEW_WINDOWS = 2016;

/**
 * How often the threshold would have fired over the last 7 days of this category's real data:
 * the range cut into consecutive windows of the threshold's length (newest ending now), each
 * one's value, and how many times it went from below to over. Bounded: windows up to a day are
 * one grouped read of the range's events on the (category_id, created_at) index; longer ones
 * are read from the daily rollups like the worker reads them.
 */
export async function previewThreshold(deps: Pick<MonitorDeps, "db" | "clock">, ws: Access, raw: PreviewInput) {
  const input = checked(previewInput, raw);
  const threshold = input.threshold;
  await watchableCategory(deps.db, ws.id, input.categoryId);
  const now = deps.clock().getTime();
  const step = threshold.windowSeconds * 1000;
  const count = Math.min(MAX_PREVIEW_WINDOWS, Math.max(1, Math.floor(PREVIEW_RANGE_MS / step)));
  const start = now - count * step;
  const filter = input.filter ?? null;
  const values: (number | null)[] = [];
  if (step <= DAY_MS) {
    const field = threshold.aggregate === "count" ? null : threshold.field!;
    const buckets = await aggregateByStep(deps.db, { categoryId: input.categoryId, start: new Date(start).toISOString(), end: new Date(now).toISOString(), stepMs: step, field, filter });
    const byIndex = new Map(buckets.map((b) => [b.bucket, b]));
    for (let k = 0; k < count; k++) values.push(aggregateValue(threshold, byIndex.get(k) ?? { n: 0, numeric: 0, sum: 0, min: null, max: null }));
  } else {
    for (let k = 0; k < count; k++) {
      const end = new Date(start + (k + 1) * step);
      values.push(aggregateValue(threshold, await readWindow(deps.db, { categoryId: input.categoryId, threshold, filter, now: end })));
    }
  }
  let fires = 0;
  const windows = values.map((value, k) => {
    if (crosses(threshold, value) && (k === 0 || !crosses(threshold, values[k - 1]!))) fires++;
    return { start: new Date(start + k * step).toISOString(), end: new Date(start + (k + 1) * step).toISOString(), value };
  });
  return { fires, windows };
}

// ---------------------------------------------------------------------------------------------
// Ping URLs

export type PingKind = "success" | "start" | "fail";
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,128}$/;

export type PingDeps = Pick<Services, "db" | "env" | "clock" | "deliveryBell" | "realtime" | "monitorBell" | "pingLimiter">;

function throttled(retryAfterSeconds: number, message: string) {
  return new AppError("RATE_LIMITED", message, undefined, retryAfterSeconds);
}

/**
 * A heartbeat's ping URL: records an event in the monitored category (counted against the
 * quota like any event, not notified: the monitor alerts), fields { ping, durationMs? } —
 * the run time from the last /start. A /fail makes the heartbeat due at once (down). Throttled
 * per monitor, and per client address for tokens that match nothing.
 */
export async function recordPing(deps: PingDeps, r: { token: string; kind: PingKind; clientIp: string }) {
  const row = TOKEN_SHAPE.test(r.token) ? await findMonitorByPingHash(deps.db, hashPingToken(r.token)) : undefined;
  if (!row) {
    const miss = await deps.pingLimiter.take(`miss:${r.clientIp}`);
    if (!miss.allowed) throw throttled(miss.retryAfterSeconds, `Too many pings to unknown URLs. Retry in ${miss.retryAfterSeconds} s.`);
    throw new AppError("NOT_FOUND", "No monitor has this ping URL.");
  }
  if (row.owner_suspended_at !== null) throw new AppError("ACCOUNT_SUSPENDED", "The account that owns this monitor's workspace is suspended. Contact the operator of this PingPilot instance.");
  const rate = await deps.pingLimiter.take(`monitor:${row.id}`);
  if (!rate.allowed) throw throttled(rate.retryAfterSeconds, `Too many pings for this monitor. Retry in ${rate.retryAfterSeconds} s.`);

  const now = deps.clock();
  const fields: Record<string, string | number> = { ping: r.kind, monitor: row.id };
  let description = `Ping: ${r.kind}`;
  if (r.kind === "start") await setRunStarted(deps.db, row.id, now.toISOString());
  else if (row.run_started_at) {
    const durationMs = Math.max(0, now.getTime() - toDate(row.run_started_at).getTime());
    fields.durationMs = durationMs;
    description += ` (ran ${durationMs < 60_000 ? `${(durationMs / 1000).toFixed(1)} s` : `${Math.round(durationMs / 60_000)} min`})`;
    await setRunStarted(deps.db, row.id, null);
  }
  const result = await ingestEvent(deps, { id: row.workspace_id, plan: row.plan }, { category: row.category_name, description, fields, notify: false });
  if (r.kind === "fail") {
    await markMonitorDue(deps.db, row.id, now.toISOString());
    deps.monitorBell.ring({ workspaceId: row.workspace_id, category: row.category_name });
  }
  return { ok: true as const, eventId: result.event.id, durationMs: typeof fields.durationMs === "number" ? fields.durationMs : null };
}
