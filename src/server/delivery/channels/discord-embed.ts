/**
 * The one Discord embed both Discord channels send, fitted to Discord's embed limits
 * so a large event is shortened rather than refused with 400 "Invalid Form Body".
 */
import type { Notification } from "./channel";
import { fieldEntries, fitEscaped, fitText, linkableUrl, moreFieldsLabel, notificationTitle } from "./notification-format";

/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const DISCORD_EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  /** Title, description, field names and values, footer text and author name together. */
  total: 6000,
} as const;

export type DiscordEmbedField = { name: string; value: string; inline: boolean };
export type DiscordEmbed = {
  title: string;
  description?: string;
  url?: string;
  color: number;
  timestamp?: string;
  fields: DiscordEmbedField[];
  footer: { text: string };
};

/**
 * User text shown as text, never as Discord markup: a backslash before every markdown character
 * (so `[Verify](http://evil)` cannot become a masked link, `**` no bold, `# ` no heading) and
 * `<` (so `<@id>`, `<#id>`, `<t:…>` are not mentions or widgets), and a zero-width space after
 * the @ of @everyone / @here. Discord hides the backslashes.
 */
export const escapeDiscord = (text: string) => text.replace(/[\\*_~`|>#\-[\]()<]/g, "\\$&").replace(/@(everyone|here)/g, "@\u200b$1");

/** Discord refuses empty or blank field names and values. */
const nonBlank = (text: string) => (text.trim() === "" ? "—" : text);
const fieldSize = (field: DiscordEmbedField) => field.name.length + field.value.length;

export function discordEmbed(notification: Notification): DiscordEmbed {
  const limits = DISCORD_EMBED_LIMITS;
  const title = fitText(notificationTitle(notification.category), limits.title);
  const footer = { text: notification.test ? "PingPilot · test notification" : "PingPilot" };
  const all = fieldEntries(notification).map(([name, value]) => ({
    name: fitEscaped(nonBlank(name), limits.fieldName, escapeDiscord),
    value: fitEscaped(nonBlank(value), limits.fieldValue, escapeDiscord),
    inline: true,
  }));
  // Past 25 fields, the 25th place goes to the "…and N more fields" summary.
  const fields = all.length > limits.fields ? all.slice(0, limits.fields - 1) : all.slice();
  const moreField = (count: number): DiscordEmbedField => ({ name: moreFieldsLabel(count), value: "See the event in PingPilot.", inline: false });
  const summarySize = (count: number) => (count > 0 ? fieldSize(moreField(count)) : 0);

  // The total limit is shared: the description shrinks first (down to half of what is left, it
  // is the message), then trailing fields go.
  const available = limits.total - title.length - footer.text.length;
  const fieldsSize = fields.reduce((sum, f) => sum + fieldSize(f), 0) + summarySize(all.length - fields.length);
  const descriptionMax = Math.min(limits.description, Math.max(Math.floor(available / 2), available - fieldsSize));
  const description = fitEscaped(notification.description, descriptionMax, escapeDiscord);
  const left = available - description.length;
  let size = fields.reduce((sum, f) => sum + fieldSize(f), 0);
  while (fields.length > 0 && size + summarySize(all.length - fields.length) > left) size -= fieldSize(fields.pop()!);
  const dropped = all.length - fields.length;
  if (dropped > 0) fields.push(moreField(dropped));

  return {
    title,
    ...(description.trim() ? { description } : {}),
    // The link is a nicety, the message is not: Discord refuses the whole message for a url it
    // does not accept (400 {"embeds":["0"]} for http://localhost:3000/…), so only such a url goes in.
    ...(linkableUrl(notification.eventUrl) ? { url: notification.eventUrl } : {}),
    color: colorInt(notification.category.color),
    ...isoTimestamp(notification.occurredAt, notification.createdAt),
    fields,
    footer,
  };
}

/** "#FF6B6B" → 0xFF6B6B, the integer Discord wants. */
export function colorInt(color: string) {
  return /^#[0-9a-f]{6}$/i.test(color) ? Number.parseInt(color.slice(1), 16) : 0x808080;
}

function isoTimestamp(...candidates: string[]) {
  for (const value of candidates) {
    const time = Date.parse(value);
    if (Number.isFinite(time)) return { timestamp: new Date(time).toISOString() };
  }
  return {};
}
