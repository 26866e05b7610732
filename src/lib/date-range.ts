/** The category page's ranges, always in UTC: [from, to) as ISO strings. */

export const RANGE_KEYS = ["today", "week", "month", "custom"] as const;
export type RangeKey = (typeof RANGE_KEYS)[number];

export const RANGE_LABELS: Record<RangeKey, string> = {
  today: "Today",
  week: "This week",
  month: "This month",
  custom: "Custom",
};

const DAY = 24 * 60 * 60 * 1000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export type DateRange = {
  key: RangeKey;
  /** Inclusive first day, YYYY-MM-DD (what the "From" input shows). */
  fromDate: string;
  /** Inclusive last day, YYYY-MM-DD (what the "To" input shows). */
  toDate: string;
  from: string;
  to: string;
  /** Why a custom range cannot be used, if it cannot. */
  error?: string;
};

const startOfUtcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
export const toDateInput = (d: Date) => d.toISOString().slice(0, 10);

/** A YYYY-MM-DD that names a real day, as midnight UTC; otherwise undefined. */
export function parseDateInput(value: string | null | undefined): Date | undefined {
  if (!value || !DATE_PATTERN.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(d.getTime()) || toDateInput(d) !== value ? undefined : d;
}

export function rangeKeyOf(value: string | null | undefined): RangeKey {
  return RANGE_KEYS.find((k) => k === value) ?? "today";
}

function build(key: RangeKey, from: Date, toExclusive: Date, error?: string): DateRange {
  return { key, from: from.toISOString(), to: toExclusive.toISOString(), fromDate: toDateInput(from), toDate: toDateInput(new Date(toExclusive.getTime() - DAY)), error };
}

/** today = [00:00 today, 00:00 tomorrow); week = [Monday, next Monday); month = [1st, 1st of next month). */
export function resolveDateRange(params: { range?: string | null; from?: string | null; to?: string | null }, now: Date = new Date()): DateRange {
  const key = rangeKeyOf(params.range);
  const today = startOfUtcDay(now);
  switch (key) {
    case "today":
      return build(key, today, new Date(today.getTime() + DAY));
    case "week": {
      const monday = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY);
      return build(key, monday, new Date(monday.getTime() + 7 * DAY));
    }
    case "month":
      return build(key, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)));
    case "custom": {
      // Missing or malformed dates fall back to the month so far.
      const from = parseDateInput(params.from) ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const to = parseDateInput(params.to) ?? today;
      if (to < from) return { ...build(key, from, new Date(from.getTime() + DAY)), toDate: toDateInput(to), error: "“To” must be on or after “From”." };
      return build(key, from, new Date(to.getTime() + DAY));
    }
  }
}

/** The query string for a range: `range=today`, or `range=custom&from=…&to=…`. */
export function rangeSearch(key: RangeKey, fromDate?: string, toDate?: string): string {
  const params = new URLSearchParams({ range: key });
  if (key === "custom" && fromDate && toDate) {
    params.set("from", fromDate);
    params.set("to", toDate);
  }
  return params.toString();
}
