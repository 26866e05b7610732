import { CronExpressionParser } from "cron-parser";

/**
 * Cron schedules in a time zone (cron-parser, which computes in the zone with Luxon, so the
 * local wall-clock time is kept across daylight-saving changes: `0 3 * * *` in Europe/Berlin
 * is 01:00 UTC in summer and 02:00 UTC in winter, always 03:00 in Berlin).
 *
 * Times that do not exist locally (02:30 on the night the clocks go forward) run at the same
 * offset from the gap's start, i.e. 03:30 local, once; times that exist twice (01:30 on the
 * night they go back) run once, at the first of them. Five fields, no seconds.
 */

/** Whether the runtime knows this IANA time zone (Intl, the same database Luxon uses). */
export function isTimeZone(zone: string) {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const VALIDATION_START = new Date(Date.UTC(2026, 0, 1));

/** Why this expression cannot be used, or undefined when it can. */
export function cronProblem(expression: string, timeZone: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return "Use 5 fields: minute hour day-of-month month day-of-week (e.g. 0 3 * * *).";
  if (!isTimeZone(timeZone)) return `Unknown time zone "${timeZone.slice(0, 64)}": use an IANA name such as Europe/Berlin.`;
  try {
    // Any fixed start will do: an expression that never fires (30 February) fails to find a next time.
    CronExpressionParser.parse(expression, { tz: timeZone, currentDate: VALIDATION_START }).next();
    return undefined;
  } catch (error) {
    return `Not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200);
  }
}

/** The first time the schedule fires strictly after `after`. */
export function nextCronAfter(expression: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(expression, { tz: timeZone, currentDate: after }).next().toDate();
}
