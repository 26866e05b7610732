/**
 * Text helpers shared by the channels: the title every provider shows, and fitting text into a
 * provider's limit by truncating with an ellipsis.
 *
 * Lengths here are UTF-16 code units (`string.length`), not code points: Telegram counts UTF-16
 * units and the others count code points, so a text that fits in UTF-16 units fits everywhere.
 */
import type { Notification } from "./channel";

export const ELLIPSIS = "…";

/** `<emoji> <Category>`, the category name capitalised ("sale" → "Sale"). */
export function notificationTitle(category: Notification["category"]) {
  const name = category.name.charAt(0).toUpperCase() + category.name.slice(1);
  return category.emoji ? `${category.emoji} ${name}` : name;
}

/**
 * Whether chat providers accept `url` as a link: http(s) to a host with a dot. Discord refuses a
 * message whose embed links to `http://localhost:3000` or `http://pingpilot:3000`, Telegram
 * silently drops such an `<a href>`; the event link is then shown as text, or left out.
 */
export function linkableUrl(url: string) {
  try {
    const { protocol, hostname } = new URL(url);
    return (protocol === "https:" || protocol === "http:") && /[^.]\.[^.]/.test(hostname) && !hostname.endsWith(".");
  } catch {
    return false;
  }
}

/** Event fields as display strings, in the order the user sent them. */
export function fieldEntries(notification: Notification): Array<[name: string, value: string]> {
  return Object.entries(notification.fields).map(([name, value]) => [name, String(value)]);
}

/** `#RRGGBB`, upper case; anything else (should not happen, categories are validated) becomes grey. */
export function normalizedColor(color: string) {
  return /^#[0-9a-f]{6}$/i.test(color) ? color.toUpperCase() : "#808080";
}

/** Collapses line breaks and runs of whitespace, for one-line places like mail subjects. */
export function singleLine(text: string) {
  return text.replace(/\s+/g, " ").trim();
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** At most `max` UTF-16 units, ending in "…" when shortened, never splitting a surrogate pair. */
export function fitText(text: string, max: number) {
  if (text.length <= max) return text;
  if (max < 1) return "";
  let end = max - ELLIPSIS.length;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end) + ELLIPSIS;
}

/**
 * Escapes `text` and fits the escaped result into `max` units. Truncating after escaping could
 * cut an entity like `&amp;` in half, so this cuts the raw text, character by character.
 */
export function fitEscaped(text: string, max: number, escapeText: (raw: string) => string) {
  const whole = escapeText(text);
  if (whole.length <= max) return whole;
  if (max < 1) return "";
  let out = "";
  for (const char of text) {
    const escaped = escapeText(char);
    if (out.length + escaped.length + ELLIPSIS.length > max) break;
    out += escaped;
  }
  return out + ELLIPSIS;
}

/**
 * Splits a text message's budget between the description and one line per field: the
 * description keeps at least half of it (it is the message), fields fill the rest in order, and
 * the ones that do not fit are summed up in a last "…and N more fields" line.
 *
 * `budget` is what is left after the fixed parts (title, footer, separators); each rendered
 * line costs its length plus one line break.
 */
export function fitDescriptionAndFields(opts: {
  budget: number;
  description: string;
  fields: Array<[string, string]>;
  renderDescription: (raw: string, max: number) => string;
  renderField: (name: string, value: string) => string;
  renderMore: (count: number) => string;
}): { description: string; fieldLines: string[] } {
  const lines = opts.fields.map(([name, value]) => opts.renderField(name, value));
  const linesLength = lines.reduce((sum, line) => sum + line.length + 1, 0);
  const descriptionMax = Math.max(Math.floor(opts.budget / 2), opts.budget - linesLength);
  const description = opts.renderDescription(opts.description, descriptionMax);
  let left = opts.budget - description.length;
  const fieldLines: string[] = [];
  for (const line of lines) {
    if (line.length + 1 > left) break;
    fieldLines.push(line);
    left -= line.length + 1;
  }
  if (fieldLines.length < lines.length) {
    // Make room for the summary line by giving back fields from the end.
    while (fieldLines.length > 0 && opts.renderMore(lines.length - fieldLines.length).length + 1 > left) {
      left += fieldLines.pop()!.length + 1;
    }
    const more = opts.renderMore(lines.length - fieldLines.length);
    if (more.length + 1 <= left) fieldLines.push(more);
  }
  return { description, fieldLines };
}

export const moreFieldsLabel = (count: number) => `…and ${count} more field${count === 1 ? "" : "s"}`;
