import { hostname } from "node:os";
import { isPostgres, toDate } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { MonitorState } from "@/server/db/types";
import { insertSystemEvent } from "@/server/event/event.queries";
import type { Services } from "@/server/services";
import { closedDaysWithin, DAY_MS, dayRollups } from "@/server/stats/rollup.service";
import type { HeartbeatInput, ThresholdInput } from "./monitor.input";
import {
  aggregateEvents,
  claimDueMonitors,
  commitEvaluation,
  endIncident,
  ensureMonitorsCategory,
  findFirstEventAfter,
  findIncident,
  findLatestSignal,
  insertIncident,
  markIncidentNotified,
  MONITORS_CATEGORY,
  type ClaimedMonitor,
  type EventFilter,
  type WindowAggregate,
} from "./monitor.queries";
import { nextCronAfter } from "./monitor.schedule";

/**
 * Evaluating monitors (ADR 0005). The worker claims due monitors (monitor.queries:
 * claimDueMonitors), reads what each needs from the indexes and rollups, decides its state, and
 * writes the transition, the incident and the alert event in ONE transaction guarded by the
 * monitor's version and claim: whoever evaluates a monitor, however often the worker restarts,
 * each incident opens, notifies and resolves exactly once.
 */

export type MonitorDeps = Pick<Services, "db" | "clock" | "realtime" | "deliveryBell" | "logger">;

/** A monitor with no deadline of its own is looked at again at least this often (a bell lost on the way). */
export const SWEEP_MS = 15 * 60_000;
/** How long a claim lasts: a worker that dies mid-evaluation releases its monitors when it runs out. */
export const MONITOR_LEASE_MS = 60_000;

const BAD: ReadonlySet<MonitorState> = new Set(["down", "over"]);
const GOOD: ReadonlySet<MonitorState> = new Set(["up", "ok"]);

export type Decision = {
  state: MonitorState;
  /** When the monitor entered a bad state (an incident's start). */
  since: Date;
  reason: string;
  nextCheckAt: Date;
  value?: number | null;
};

// ---------------------------------------------------------------------------------------------
// Wording

/** 3600 → "1 h", 4500 → "1 h 15 min", 90 → "1 min 30 s". */
export function humanDuration(totalSeconds: number) {
  const s = Math.max(0, Math.round(totalSeconds));
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (sec && !d && !h) parts.push(`${sec} s`);
  return parts.length ? parts.slice(0, 2).join(" ") : "0 s";
}

const OP_TEXT = { ">=": "≥", ">": ">", "<=": "≤", "<": "<" } as const;
const formatValue = (v: number | null | undefined) => (v === null || v === undefined ? "no value" : String(Math.round(v * 1000) / 1000));
const expression = (t: ThresholdInput) => (t.aggregate === "count" ? "count" : `${t.aggregate}(${t.field})`);
const thresholdText = (t: ThresholdInput, value: number | null | undefined) => `${expression(t)} = ${formatValue(value)} (${OP_TEXT[t.op]} ${t.bound} in the last ${humanDuration(t.windowSeconds)})`;

// ---------------------------------------------------------------------------------------------
// Decisions (pure)

/** When a heartbeat whose last good event came at `last` is expected next. */
export function heartbeatDeadline(h: HeartbeatInput, last: Date) {
  return h.every !== undefined ? new Date(last.getTime() + h.every * 1000) : nextCronAfter(h.cron!, h.timezone ?? "UTC", last);
}

const expectation = (h: HeartbeatInput) => (h.every !== undefined ? `every ${humanDuration(h.every)}` : `on "${h.cron}" (${h.timezone ?? "UTC"})`);

/**
 * A heartbeat: waiting until its first event; up until the deadline after its last event (the
 * period, or the next cron time after it); late for `graceSeconds`; then down. A /fail ping
 * is down at once, until the next success.
 */
export function decideHeartbeat(h: HeartbeatInput, last: { at: Date | null; fail: boolean }, now: Date): Decision {
  const sweep = new Date(now.getTime() + SWEEP_MS);
  if (!last.at) return { state: "waiting", since: now, reason: "No event yet.", nextCheckAt: sweep };
  if (last.fail) return { state: "down", since: last.at, reason: `A /fail ping at ${last.at.toISOString()}.`, nextCheckAt: sweep };
  const deadline = heartbeatDeadline(h, last.at);
  if (now < deadline) return { state: "up", since: last.at, reason: `Last event at ${last.at.toISOString()}.`, nextCheckAt: deadline };
  const downAt = new Date(deadline.getTime() + h.graceSeconds * 1000);
  const missed = `No event since ${last.at.toISOString()} (expected ${expectation(h)}, by ${deadline.toISOString()}`;
  if (now < downAt) return { state: "late", since: deadline, reason: `${missed}).`, nextCheckAt: downAt };
  return { state: "down", since: downAt, reason: `${missed}, grace ${humanDuration(h.graceSeconds)}).`, nextCheckAt: sweep };
}

/** The aggregate's value over a window; sum of nothing is 0, min/max/avg of nothing have none. */
export function aggregateValue(t: ThresholdInput, a: Pick<WindowAggregate, "n" | "numeric" | "sum" | "min" | "max">): number | null {
  switch (t.aggregate) {
    case "count":
      return a.n;
    case "sum":
      return a.sum;
    case "min":
      return a.numeric ? a.min : null;
    case "max":
      return a.numeric ? a.max : null;
    case "avg":
      return a.numeric ? a.sum / a.numeric : null;
  }
}

export function crosses(t: Pick<ThresholdInput, "op" | "bound">, value: number | null) {
  if (value === null) return false;
  switch (t.op) {
    case ">=":
      return value >= t.bound;
    case ">":
      return value > t.bound;
    case "<=":
      return value <= t.bound;
    case "<":
      return value < t.bound;
  }
}

/**
 * A threshold: over while the window's value crosses the bound. The value changes only when an
 * event enters the window (the bell) or leaves it: looked at again when the oldest counted event
 * leaves (its time + the window) if that can change the state, and after SWEEP_MS at the latest.
 */
export function decideThreshold(t: ThresholdInput, a: WindowAggregate, now: Date): Decision {
  const value = aggregateValue(t, a);
  const over = crosses(t, value);
  // A count only falls as events leave: under ≥/> it cannot start firing that way, and under ≤/<
  // it cannot stop; then only new events (the bell) can change the state.
  const fallingMatters = t.aggregate !== "count" || (t.op === ">=" || t.op === ">" ? over : !over);
  const leaves = a.firstAt && fallingMatters ? toDate(a.firstAt).getTime() + t.windowSeconds * 1000 : Number.POSITIVE_INFINITY;
  const nextCheckAt = new Date(Math.min(leaves, now.getTime() + SWEEP_MS));
  return { state: over ? "over" : "ok", since: now, reason: thresholdText(t, value), nextCheckAt, value };
}

// ---------------------------------------------------------------------------------------------
// Reading

const iso = (t: number | Date) => new Date(t).toISOString();

/**
 * A threshold's aggregate over (now − window, now]. Up to a day: one range read of the
 * category's events on the (category_id, created_at) index. Longer (count/sum/avg without a
 * filter, see monitor.input): the closed whole days from category_day, the two partial edges
 * from the index.
 */
export async function readWindow(db: MonitorDeps["db"], r: { categoryId: string; threshold: ThresholdInput; filter: EventFilter | null; now: Date }): Promise<WindowAggregate> {
  const { threshold: t } = r;
  const from = r.now.getTime() - t.windowSeconds * 1000;
  const field = t.aggregate === "count" ? null : t.field!;
  const whole = t.windowSeconds * 1000 > DAY_MS && !r.filter && t.aggregate !== "min" && t.aggregate !== "max" ? closedDaysWithin(new Date(from + 1), r.now, r.now) : undefined;
  if (!whole) return aggregateEvents(db, { categoryId: r.categoryId, after: iso(from), until: iso(r.now), field, filter: r.filter });
  const [head, tail, days] = await Promise.all([
    aggregateEvents(db, { categoryId: r.categoryId, after: iso(from), until: iso(whole.start - 1), field, filter: null }),
    aggregateEvents(db, { categoryId: r.categoryId, after: iso(whole.end - 1), until: iso(r.now), field, filter: null }),
    dayRollups(db, [r.categoryId], whole.start, whole.end),
  ]);
  const total = { n: head.n + tail.n, numeric: head.numeric + tail.numeric, sum: head.sum + tail.sum, min: null, max: null, firstAt: head.firstAt };
  for (const day of days) {
    total.n += day.events;
    if (field) {
      total.numeric += day.fields[field]?.numeric ?? 0;
      total.sum += day.fields[field]?.sum ?? 0;
    }
  }
  // The oldest counted event is in a rolled-up day: one seek finds when it leaves.
  if (!total.firstAt && total.n > tail.n) total.firstAt = (await findFirstEventAfter(db, r.categoryId, iso(from))) ?? null;
  if (!total.firstAt) total.firstAt = tail.firstAt;
  return total;
}

// ---------------------------------------------------------------------------------------------
// One evaluation

type Notice = "down" | "recovered" | "still-down";

type Settings = { kind: "heartbeat"; heartbeat: HeartbeatInput } | { kind: "threshold"; threshold: ThresholdInput };

export const parseSettings = (m: Pick<ClaimedMonitor, "kind" | "config">): Settings =>
  m.kind === "heartbeat" ? { kind: "heartbeat", heartbeat: JSON.parse(m.config) as HeartbeatInput } : { kind: "threshold", threshold: JSON.parse(m.config) as ThresholdInput };
export const parseFilter = (m: Pick<ClaimedMonitor, "filter">) => (m.filter ? (JSON.parse(m.filter) as EventFilter) : null);

class Superseded extends Error {
  constructor() {
    super("the monitor changed since it was claimed");
  }
}

export type EvaluationOutcome = { id: string; outcome: "committed" | "superseded"; from: MonitorState; to: MonitorState; notices: Notice[] };

/** The words and fields of an alert, a reminder or a recovery notice (an event in "monitors"). */
function notice(kind: Notice, m: ClaimedMonitor, r: { state: MonitorState; since: Date; reason: string; incidentId: string; now: Date; startedAt?: Date }) {
  const what = m.kind === "threshold" ? "over its threshold" : "down";
  const lasted = r.startedAt ? humanDuration((r.now.getTime() - r.startedAt.getTime()) / 1000) : undefined;
  const description =
    kind === "down"
      ? `🔴 ${m.name} is ${what} — ${r.reason}`
      : kind === "still-down"
        ? `🟠 still down: ${m.name} is ${what} since ${r.startedAt?.toISOString()} (${lasted}) — ${r.reason}`
        : `✅ ${m.name} recovered after ${lasted} — ${r.reason}`;
  const fields: Record<string, string | number> = {
    monitor: m.name.slice(0, 1024),
    monitorId: m.id,
    state: r.state,
    since: r.since.toISOString(),
    reason: r.reason.slice(0, 1024),
    incidentId: r.incidentId,
  };
  if (kind === "recovered" && r.startedAt) fields.durationSeconds = Math.round((r.now.getTime() - r.startedAt.getTime()) / 1000);
  return { description: description.slice(0, 2000), fields };
}

/**
 * Decides one claimed monitor and commits the outcome: state, schedule, incident, notices —
 * all or nothing, and nothing at all if the monitor changed since the claim (a user's edit,
 * pause or delete, or another worker that took over after the lease ran out).
 */
export async function evaluateMonitor(deps: MonitorDeps, m: ClaimedMonitor, claimToken: string): Promise<EvaluationOutcome> {
  const now = deps.clock();
  const settings = parseSettings(m);
  const filter = parseFilter(m);
  let lastEventAt = m.last_event_at ? toDate(m.last_event_at) : null;
  let lastFail = Boolean(m.last_event_fail);
  let decision: Decision;
  if (settings.kind === "heartbeat") {
    // Only what came after the last signal already known (or since it started waiting).
    const since = lastEventAt ?? toDate(m.state_since);
    const signal = await findLatestSignal(deps.db, { monitorId: m.id, categoryId: m.category_id, since: since.toISOString(), until: now.toISOString(), filter });
    if (signal) {
      lastEventAt = toDate(signal.created_at);
      lastFail = signal.ping === "fail";
    }
    decision = decideHeartbeat(settings.heartbeat, { at: lastEventAt, fail: lastFail }, now);
  } else {
    decision = decideThreshold(settings.threshold, await readWindow(deps.db, { categoryId: m.category_id, threshold: settings.threshold, filter, now }), now);
  }

  const changed = decision.state !== m.state;
  const stateSince = changed ? (BAD.has(decision.state) || decision.state === "late" ? decision.since : now) : toDate(m.state_since);
  const open = m.open_incident_id ? await findIncident(deps.db, m.open_incident_id) : undefined;
  const openIncident = open && !open.ended_at ? open : undefined;
  const notices: Notice[] = [];
  let openIncidentId = openIncident?.id ?? null;
  let nextCheckAt = decision.nextCheckAt;
  let newIncidentId: string | undefined;
  if (BAD.has(decision.state) && !openIncident) {
    newIncidentId = newId();
    openIncidentId = newIncidentId;
    notices.push("down");
  } else if (GOOD.has(decision.state) && openIncident) {
    openIncidentId = null;
    notices.push("recovered");
  } else if (BAD.has(decision.state) && openIncident && m.renotify_seconds) {
    const due = toDate(openIncident.last_notified_at).getTime() + m.renotify_seconds * 1000;
    if (now.getTime() >= due) notices.push("still-down");
    const next = now.getTime() >= due ? now.getTime() + m.renotify_seconds * 1000 : due;
    if (next < nextCheckAt.getTime()) nextCheckAt = new Date(next);
  }
  if (newIncidentId && m.renotify_seconds) {
    const next = now.getTime() + m.renotify_seconds * 1000;
    if (next < nextCheckAt.getTime()) nextCheckAt = new Date(next);
  }

  const at = now.toISOString();
  const published: { eventId: string; channels: string[] }[] = [];
  try {
    await deps.db.transaction().execute(async (trx) => {
      const committed = await commitEvaluation(trx, {
        id: m.id,
        version: m.version,
        claimToken,
        now: at,
        write: {
          state: decision.state,
          stateSince: stateSince.toISOString(),
          lastEventAt: lastEventAt?.toISOString() ?? null,
          lastEventFail: lastFail,
          lastValue: decision.value === undefined ? m.last_value : decision.value,
          openIncidentId,
          nextCheckAt: nextCheckAt.toISOString(),
        },
      });
      if (!committed) throw new Superseded();
      if (!notices.length) return;
      const categoryId = await ensureMonitorsCategory(trx, m.workspace_id, at);
      for (const kind of notices) {
        let incidentId: string;
        let startedAt: Date | undefined;
        if (kind === "down") {
          incidentId = newIncidentId!;
          await insertIncident(trx, { id: incidentId, monitorId: m.id, workspaceId: m.workspace_id, startedAt: decision.since.toISOString(), reason: decision.reason });
        } else {
          incidentId = openIncident!.id;
          startedAt = toDate(openIncident!.started_at);
          if (kind === "recovered") {
            if (!(await endIncident(trx, incidentId, at, "recovered"))) continue;
          } else await markIncidentNotified(trx, incidentId, at);
        }
        const since = kind === "recovered" ? now : kind === "down" ? decision.since : startedAt!;
        const { description, fields } = notice(kind, m, { state: decision.state, since, reason: decision.reason, incidentId, now, startedAt });
        const eventId = newId();
        const channels = await insertSystemEvent(trx, { id: eventId, workspaceId: m.workspace_id, categoryId, description, fields, tags: ["monitor"], notify: true, occurredAt: at, createdAt: at });
        published.push({ eventId, channels });
      }
    });
  } catch (error) {
    if (error instanceof Superseded) return { id: m.id, outcome: "superseded", from: m.state, to: m.state, notices: [] };
    throw error;
  }

  // After the commit: the monitors page, the "monitors" category's dashboards, the delivery worker.
  if (changed || notices.length) deps.realtime.publish(m.workspace_id, { type: "monitor.updated", monitorId: m.id, state: decision.state });
  for (const p of published) deps.realtime.publish(m.workspace_id, { type: "event.created", eventId: p.eventId, category: MONITORS_CATEGORY, createdAt: at });
  if (published.some((p) => p.channels.length)) deps.deliveryBell.ring();
  return { id: m.id, outcome: "committed", from: m.state, to: decision.state, notices };
}

export type EvaluateOptions = {
  /** Recorded in the claim token (default host:pid). */
  workerId?: string;
  leaseMs?: number;
  /** Monitors claimed per round. */
  limit?: number;
  /** Evaluations in flight at once (PostgreSQL; SQLite has one connection and runs them in turn). */
  concurrency?: number;
};

export type RoundResult = { claimed: number; committed: number; superseded: number; failed: number; notices: number; outcomes: EvaluationOutcome[] };

/**
 * One round: claim what is due (at most `limit`), evaluate each. A monitor whose evaluation
 * throws keeps its lease and is retried when the lease runs out.
 */
export async function evaluateDueMonitors(deps: MonitorDeps, opts: EvaluateOptions = {}): Promise<RoundResult> {
  const now = deps.clock();
  const leaseMs = opts.leaseMs ?? MONITOR_LEASE_MS;
  const claimToken = `${opts.workerId ?? `${hostname()}:${process.pid}`}:${newId()}`;
  const claimed = await claimDueMonitors(deps.db, { claimToken, now: now.toISOString(), leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), limit: opts.limit ?? 100 });
  const result: RoundResult = { claimed: claimed.length, committed: 0, superseded: 0, failed: 0, notices: 0, outcomes: [] };
  const concurrency = Math.max(1, isPostgres(deps.db) ? (opts.concurrency ?? 4) : 1);
  let next = 0;
  const lane = async () => {
    while (next < claimed.length) {
      const m = claimed[next++]!;
      try {
        const outcome = await evaluateMonitor(deps, m, claimToken);
        result.outcomes.push(outcome);
        if (outcome.outcome === "committed") result.committed++;
        else result.superseded++;
        result.notices += outcome.notices.length;
      } catch (err) {
        result.failed++;
        deps.logger.error({ err, monitorId: m.id }, "monitor evaluation failed; retried when its lease runs out");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, lane));
  return result;
}
