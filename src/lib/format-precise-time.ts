/** Times to the second, for delivery attempts and retries, where "just now" is too vague. */

const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "always", style: "short" });

export const formatTimeExact = (value: Date | string) => exactFormat.format(new Date(value));

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "in 25 sec.", "3 min. ago", "in 2 hr." — seconds under a minute, then the largest whole unit. */
export function formatRelativePrecise(value: Date | string, now: Date = new Date()): string {
  const seconds = Math.round((new Date(value).getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 1) return "now";
  for (const [unit, size] of STEPS) {
    if (abs >= size) return relativeFormat.format(Math.trunc(seconds / size), unit);
  }
  return relativeFormat.format(seconds, "second");
}
