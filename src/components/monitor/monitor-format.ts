/** What the Monitors page shows about a monitor: its states, how they look, and its numbers in words. */

export type MonitorState = "waiting" | "up" | "late" | "down" | "paused" | "over" | "ok";
export type MonitorKind = "heartbeat" | "threshold";
export type Aggregate = "count" | "sum" | "min" | "max" | "avg";
export type ThresholdOp = ">=" | ">" | "<=" | "<";

export type HeartbeatConfig = { every?: number | null; cron?: string | null; timezone?: string | null; graceSeconds: number };
export type ThresholdConfig = { aggregate: Aggregate; field?: string | null; windowSeconds: number; op: ThresholdOp; bound: number };
export type FilterConfig = { field: string; equals: string | number | boolean };

/** A monitor's settings: `config` of monitor.list. */
export type MonitorSettings = {
  heartbeat: HeartbeatConfig | null;
  threshold: ThresholdConfig | null;
  filter: FilterConfig | null;
  renotifySeconds: number | null;
};

export type BadgeVariant = "neutral" | "success" | "warning" | "destructive";

export const STATE_LABELS: Record<MonitorState, string> = {
  waiting: "Waiting",
  up: "Up",
  ok: "OK",
  late: "Late",
  down: "Down",
  over: "Over threshold",
  paused: "Paused",
};

/** Short words for small places (the category card's badge). */
export const STATE_SHORT: Record<MonitorState, string> = { ...STATE_LABELS, over: "over" };

export const STATE_VARIANT: Record<MonitorState, BadgeVariant> = {
  up: "success",
  ok: "success",
  late: "warning",
  down: "destructive",
  over: "destructive",
  waiting: "neutral",
  paused: "neutral",
};

/** What each state means, for the badge's tooltip and screen readers. */
export const STATE_HINT: Record<MonitorState, string> = {
  waiting: "No ping yet: the first check is after the first period.",
  up: "Pinged on time.",
  ok: "Within its threshold.",
  late: "The ping is overdue; it is down once the grace time runs out.",
  down: "Missed its ping: an incident is open.",
  over: "Crossed its threshold: an incident is open.",
  paused: "Not checked until it is resumed.",
};

/** Worst first: the state a group of monitors (one category's) is summed up by. */
export const STATE_SEVERITY: MonitorState[] = ["down", "over", "late", "waiting", "up", "ok", "paused"];

export const worstState = (states: MonitorState[]): MonitorState | null => STATE_SEVERITY.find((s) => states.includes(s)) ?? null;

export const isAlerting = (state: MonitorState) => state === "down" || state === "over";

export const AGGREGATE_LABELS: Record<Aggregate, string> = { count: "Count of events", sum: "Sum of a field", min: "Minimum of a field", max: "Maximum of a field", avg: "Average of a field" };
export const AGGREGATE_SHORT: Record<Aggregate, string> = { count: "count", sum: "sum", min: "min", max: "max", avg: "avg" };
export const OP_LABELS: Record<ThresholdOp, string> = { ">=": "at least (≥)", ">": "more than (>)", "<=": "at most (≤)", "<": "less than (<)" };

/** Whether a window's value crosses the bound; a window with no value (an average of nothing) never does. */
export const compare = (value: number | null, op: ThresholdOp, bound: number) =>
  value !== null && (op === ">=" ? value >= bound : op === ">" ? value > bound : op === "<=" ? value <= bound : value < bound);

export type DurationUnit = "seconds" | "minutes" | "hours" | "days";
export const UNIT_SECONDS: Record<DurationUnit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

/** The largest unit that divides `seconds` evenly, so 7200 edits as "2 hours" and 90 as "90 seconds". */
export function splitDuration(seconds: number, units: DurationUnit[] = ["days", "hours", "minutes", "seconds"]): { amount: number; unit: DurationUnit } {
  for (const unit of units) {
    const size = UNIT_SECONDS[unit];
    if (seconds >= size && seconds % size === 0) return { amount: seconds / size, unit };
  }
  const smallest = units.at(-1) ?? "seconds";
  return { amount: Math.max(1, Math.round(seconds / UNIT_SECONDS[smallest])), unit: smallest };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "45 s", "5 min", "2 h 30 min", "3 d 4 h": two units at most. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return sec > 0 && m < 10 ? `${m} min ${sec} s` : `${m} min`;
}

/** "every 5 minutes", "every hour", "every 10 seconds". */
export function formatEvery(seconds: number): string {
  const { amount, unit } = splitDuration(seconds);
  const word = unit.slice(0, -1);
  return amount === 1 ? `every ${word}` : `every ${plural(amount, word)}`;
}

/** One line about what a monitor watches: "every 5 minutes, 1 min grace" or "count ≥ 10 in 1 hour". */
export function describeMonitor(kind: MonitorKind, settings: MonitorSettings): string {
  if (kind === "heartbeat" && settings.heartbeat) {
    const hb = settings.heartbeat;
    const schedule = hb.cron ? `on “${hb.cron}” (${(hb.timezone ?? "UTC").replaceAll("_", " ")})` : hb.every ? formatEvery(hb.every) : "on no schedule";
    return `Ping ${schedule}, ${hb.graceSeconds > 0 ? `${formatDuration(hb.graceSeconds)} grace` : "no grace"}`;
  }
  if (kind === "threshold" && settings.threshold) {
    const t = settings.threshold;
    const what = t.aggregate === "count" ? "count" : `${AGGREGATE_SHORT[t.aggregate]}(${t.field ?? "?"})`;
    const filter = settings.filter ? ` where ${settings.filter.field} = ${String(settings.filter.equals)}` : "";
    return `Alert when ${what} ${t.op} ${t.bound} in ${formatDuration(t.windowSeconds)}${filter}`;
  }
  return kind === "heartbeat" ? "Heartbeat" : "Threshold";
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });

/** "in 8 sec.", "in 5 min.", "3 hr. ago" — to the second when it is close, since heartbeats can be short. */
export function formatRelative(value: string | Date, now: number = Date.now()): string {
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return seconds >= 0 ? "any moment" : "just now";
  if (abs < 60) return relativeFormat.format(seconds, "second");
  if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return relativeFormat.format(Math.round(seconds / 3600), "hour");
  return relativeFormat.format(Math.round(seconds / 86_400), "day");
}

/** The IANA zones this browser knows, the viewer's own first; UTC when the browser lists none. */
export function timeZones(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  if (!zones.includes("UTC")) zones = ["UTC", ...zones];
  return zones;
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
