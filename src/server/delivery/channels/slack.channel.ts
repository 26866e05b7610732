/**
 * Slack incoming webhook: a Block Kit message with the same content as the other
 * channels, fitted to Block Kit's limits, plus the top-level `text` Slack shows in notifications.
 */
import type { z } from "zod";
import type { channelConfigSchemas } from "@/shared/notification";
import { postToUserUrl, type Channel, type Notification } from "./channel";
import { fieldEntries, fitEscaped, fitText, moreFieldsLabel, notificationTitle } from "./notification-format";

export type SlackConfig = z.infer<ReturnType<typeof channelConfigSchemas>["slack"]>;

/** https://api.slack.com/reference/block-kit/blocks */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  fallbackText: 3000,
  /**
   * All block text together. Slack refuses a message past about 12,000 characters of block text
   * (`msg_blocks_too_long`) even when each block is within its own limit; this stays well under.
   */
  totalText: 10_000,
} as const;

/** Slack's control characters; everything else in mrkdwn stays as the user wrote it. */
export const escapeSlack = (text: string) => text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);

export const slackChannel: Channel<SlackConfig> = {
  name: "slack",
  async send(notification, config, ctx) {
    return postToUserUrl(ctx, "slack", config.url, { headers: { "content-type": "application/json" }, body: JSON.stringify(slackMessage(notification)) }, slackReason);
  },
};

/** Slack answers errors as one plain-text code ("invalid_payload", "no_service"); anything else is not Slack's and is not kept. */
export const slackReason = (body: string) => (/^[a-z0-9_]{1,64}$/.test(body.trim()) ? body.trim() : undefined);

type TextObject = { type: "plain_text" | "mrkdwn"; text: string; emoji?: boolean };
type Block = { type: "header"; text: TextObject } | { type: "section"; text?: TextObject; fields?: TextObject[] } | { type: "context"; elements: TextObject[] };

export function slackMessage(notification: Notification): { text: string; blocks: Block[] } {
  const title = notificationTitle(notification.category);
  const mrkdwn = (text: string): TextObject => ({ type: "mrkdwn", text });

  const head: Block[] = [{ type: "header", text: { type: "plain_text", text: fitText(title, SLACK_LIMITS.headerText), emoji: true } }];
  if (notification.description.trim()) head.push({ type: "section", text: mrkdwn(fitEscaped(notification.description, SLACK_LIMITS.sectionText, escapeSlack)) });

  const time = Date.parse(notification.occurredAt);
  const context = [
    // <!date…> shows the time in each reader's own time zone; the text after | is the fallback.
    Number.isFinite(time) ? `<!date^${Math.floor(time / 1000)}^{date_short_pretty} at {time}|${new Date(time).toISOString()}>` : escapeSlack(notification.occurredAt),
    notification.test ? "test notification from PingPilot" : "PingPilot",
  ].join(" · ");
  const tail: Block[] = [
    { type: "context", elements: [mrkdwn(context)] },
    // A link rather than a button: a button on an app without interactivity shows a warning when clicked.
    { type: "section", text: mrkdwn(`<${escapeSlack(notification.eventUrl)}|Open in PingPilot>`) },
  ];

  const all = fieldEntries(notification).map(([name, value]) => {
    const label = `*${fitEscaped(name, 200, escapeSlack)}*\n`;
    return mrkdwn(label + fitEscaped(value, SLACK_LIMITS.fieldText - label.length, escapeSlack));
  });
  // Fields take what the total leaves after the fixed blocks, in order; one context line says how
  // many did not fit (by the total, or by the block count).
  const fixed = [...head, ...tail].reduce((sum, b) => sum + blockTextLength(b), 0);
  const moreReserve = moreFieldsLabel(all.length).length;
  let budget = SLACK_LIMITS.totalText - fixed - moreReserve;
  const maxFields = (SLACK_LIMITS.blocks - head.length - tail.length - 1) * SLACK_LIMITS.sectionFields;
  const fields: TextObject[] = [];
  for (const field of all) {
    if (field.text.length > budget || fields.length === maxFields) break;
    fields.push(field);
    budget -= field.text.length;
  }
  const sections: Block[] = [];
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.sectionFields) sections.push({ type: "section", fields: fields.slice(i, i + SLACK_LIMITS.sectionFields) });
  if (fields.length < all.length) sections.push({ type: "context", elements: [mrkdwn(moreFieldsLabel(all.length - fields.length))] });

  const text = fitEscaped(notification.description.trim() ? `${title}: ${notification.description}` : title, SLACK_LIMITS.fallbackText, escapeSlack);
  return { text, blocks: [...head, ...sections, ...tail] };
}

/** The characters of text a block carries, as Slack counts them against the message total. */
export function blockTextLength(block: Block): number {
  if (block.type === "context") return block.elements.reduce((sum, e) => sum + e.text.length, 0);
  return (block.text?.text.length ?? 0) + (block.type === "section" ? (block.fields ?? []).reduce((sum, f) => sum + f.text.length, 0) : 0);
}
