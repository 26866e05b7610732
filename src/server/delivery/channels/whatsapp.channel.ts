/**
 * WhatsApp text message through the WhatsApp Cloud API, from the server's business
 * phone number to the user's number. Plain text with WhatsApp's own *bold* for the title.
 *
 * WhatsApp delivers free-form text only within 24 hours of the user's last message to the
 * business number. Outside that window the API still accepts the request (200, a wamid) and the
 * message fails later with error 131047, reported only to a status webhook; a "delivered" here
 * means "accepted by WhatsApp".
 */
import type { z } from "zod";
import type { channelConfigSchemas } from "@/shared/notification";
import { outcomeOf, type Channel, type Notification } from "./channel";
import { fieldEntries, fitDescriptionAndFields, fitText, moreFieldsLabel, notificationTitle } from "./notification-format";

export type WhatsappConfig = z.infer<ReturnType<typeof channelConfigSchemas>["whatsapp"]>;

/** https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#text-object */
export const WHATSAPP_BODY_LIMIT = 4096;

/**
 * Graph API throttling errors, which come with HTTP 400 as often as 429: app and account rate
 * limits, throughput, per-recipient pair limit, spam limit. They pass; retrying is right.
 */
const THROTTLING_CODES = new Set([4, 80007, 130429, 131048, 131056]);

export const whatsappChannel: Channel<WhatsappConfig> = {
  name: "whatsapp",
  async send(notification, config, ctx) {
    const { token, phoneNumberId, apiUrl } = ctx.whatsapp;
    if (!token || !phoneNumberId) return { kind: "permanent", error: "WhatsApp is not configured on this server (WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID)" };
    const res = await ctx.fetch(`${apiUrl}/${encodeURIComponent(phoneNumberId)}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        messaging_product: "whatsapp",
        to: config.phone.replace(/^\+/, ""),
        type: "text",
        text: { body: whatsappBody(notification), preview_url: false },
      }),
    });
    const throttled =
      !res.ok &&
      THROTTLING_CODES.has(
        graphError(
          await res
            .clone()
            .text()
            .catch(() => ""),
        )?.code as number,
      );
    const outcome = await outcomeOf(res, ctx, graphReason);
    return throttled && outcome.kind === "permanent" ? { ...outcome, kind: "retry" } : outcome;
  },
};

export function whatsappBody(notification: Notification) {
  const head = `*${fitText(notificationTitle(notification.category), 256)}*`;
  const tail = [notification.test ? "_This is a test notification from PingPilot._" : undefined, `Open in PingPilot: ${notification.eventUrl}`].filter(Boolean).join("\n");
  // Separators: "\n" after the head, "\n\n" after the description, "\n\n" before the tail.
  const { description, fieldLines } = fitDescriptionAndFields({
    budget: WHATSAPP_BODY_LIMIT - head.length - tail.length - 5,
    description: notification.description,
    fields: fieldEntries(notification),
    renderDescription: fitText,
    renderField: (name, value) => `${fitText(name, 256)}: ${fitText(value, 1024)}`,
    renderMore: moreFieldsLabel,
  });
  const body = [description, fieldLines.join("\n")].filter(Boolean).join("\n\n");
  return [[head, body].filter(Boolean).join("\n"), tail].join("\n\n");
}

/** Graph API errors are `{ error: { message, code, error_data: { details } } }`. */
function graphError(body: string) {
  try {
    return (JSON.parse(body) as { error?: { message?: unknown; code?: unknown; error_data?: { details?: unknown } } }).error;
  } catch {
    return undefined;
  }
}

function graphReason(body: string) {
  const error = graphError(body);
  if (!error || typeof error.message !== "string") return undefined;
  const details = typeof error.error_data?.details === "string" ? `: ${error.error_data.details}` : "";
  return `${error.message}${typeof error.code === "number" ? ` (code ${error.code})` : ""}${details}`;
}
