/**
 * Slack incoming webhook (SPEC §6): a Block Kit message with the same content as the other
 * channels, fitted to Block Kit's limits, plus the top-level `text` Slack shows in notifications.
 */
import type { z } from "zod";
import type { channelConfigSchemas } from "@/shared/notification";
import { outcomeOf, type Channel, type Notification } from "./channel";
import { fieldEntries, fitEscaped, fitText, moreFieldsLabel, notificationTitle } from "./notification-format";

export type SlackConfig = z.infer<ReturnType<typeof channelConfigSchemas>["slack"]>;

/** https://api.slack.com/reference/block-kit/blocks */
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, sectionFields: 10, fieldText: 2000, fallbackText: 3000 } as const;

/** Slack's control characters; everything else in mrkdwn stays as the user wrote it. */
export const escapeSlack = (text: string) => text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);

export const slackChannel: Channel<SlackConfig> = {
  name: "slack",
  async send(notification, config, ctx) {
    const res = await ctx.fetch(config.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(slackMessage(notification)),
      // A user-supplied URL: never follow it elsewhere (e.g. into the private network).
      redirect: "manual",
    });
    // Slack answers errors in plain text ("invalid_payload", "no_service"), which outcomeOf keeps.
    return outcomeOf(res);
  },
};

type TextObject = { type: "plain_text" | "mrkdwn"; text: string; emoji?: boolean };
type Block =
  | { type: "header"; text: TextObject }
  | { type: "section"; text?: TextObject; fields?: TextObject[] }
  | { type: "context"; elements: TextObject[] };

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

  const fields = fieldEntries(notification).map(([name, value]) => {
    const label = `*${fitEscaped(name, 200, escapeSlack)}*\n`;
    return mrkdwn(label + fitEscaped(value, SLACK_LIMITS.fieldText - label.length, escapeSlack));
  });
  const sections: Block[] = [];
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.sectionFields) sections.push({ type: "section", fields: fields.slice(i, i + SLACK_LIMITS.sectionFields) });
  const room = SLACK_LIMITS.blocks - head.length - tail.length;
  if (sections.length > room) {
    // One block is kept for saying how many fields did not fit.
    sections.length = room - 1;
    const shown = sections.reduce((sum, s) => sum + (s.type === "section" ? (s.fields?.length ?? 0) : 0), 0);
    sections.push({ type: "context", elements: [mrkdwn(moreFieldsLabel(fields.length - shown))] });
  }

  const text = fitEscaped(notification.description.trim() ? `${title}: ${notification.description}` : title, SLACK_LIMITS.fallbackText, escapeSlack);
  return { text, blocks: [...head, ...sections, ...tail] };
}
