/**
 * Generic webhook: the event as JSON, signed per Standard Webhooks
 * (https://www.standardwebhooks.com) so any of its libraries can verify it on the receiving end.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import type { channelConfigSchemas } from "@/shared/notification";
import { postToUserUrl, type Channel, type Notification } from "./channel";

/** The URL the user typed, and the signing secret the server generated when it was first saved. */
export type WebhookConfig = z.infer<ReturnType<typeof channelConfigSchemas>["webhook"]> & { secret?: string };

const SECRET_PREFIX = "whsec_";

/** `whsec_` + base64 of 24 random bytes: the secret format of Standard Webhooks. */
export function generateWebhookSecret() {
  return SECRET_PREFIX + randomBytes(24).toString("base64");
}

export const webhookChannel: Channel<WebhookConfig> = {
  name: "webhook",
  async send(notification, config, ctx) {
    if (!config.secret) return { kind: "permanent", error: "The webhook has no signing secret; generate one in the notification settings" };
    // The id stays the same across retries so receivers can drop duplicates.
    const id = `msg_${notification.eventId}`;
    const timestamp = Math.floor(ctx.now().getTime() / 1000);
    const body = JSON.stringify(webhookPayload(notification));
    // Only the status of the receiver's answer is kept: its body is the user's server talking.
    return postToUserUrl(ctx, "webhook", config.url, {
      headers: {
        "content-type": "application/json",
        "user-agent": "PingPilot-Webhooks/1.0",
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook({ secret: config.secret, id, timestamp, body }),
      },
      body,
    });
  },
};

export function webhookPayload(notification: Notification) {
  return {
    type: "event.created",
    timestamp: notification.createdAt,
    data: {
      id: notification.eventId,
      category: { name: notification.category.name, emoji: notification.category.emoji, color: notification.category.color },
      description: notification.description,
      fields: notification.fields,
      tags: notification.tags,
      occurredAt: notification.occurredAt,
      createdAt: notification.createdAt,
      url: notification.eventUrl,
      ...(notification.test ? { test: true } : {}),
    },
  };
}

/** The key is the base64 part after `whsec_` (a bare base64 secret is accepted as well). */
function secretKey(secret: string) {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`. */
export function signWebhook(opts: { secret: string; id: string; timestamp: number | string; body: string }) {
  return `v1,${createHmac("sha256", secretKey(opts.secret)).update(`${opts.id}.${opts.timestamp}.${opts.body}`).digest("base64")}`;
}

/**
 * Verifies the three Standard Webhooks headers against the raw body, for receivers and tests.
 * The signature header may list several space-separated signatures (during secret rotation);
 * one valid `v1` is enough. Timestamps more than `toleranceSeconds` away are refused (replays).
 */
export function verifyWebhookSignature(opts: {
  secret: string;
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  toleranceSeconds?: number;
  nowSeconds: number;
}): boolean {
  if (!opts.id || !opts.timestamp || !opts.signature || !/^\d+$/.test(opts.timestamp)) return false;
  if (Math.abs(opts.nowSeconds - Number(opts.timestamp)) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook({ secret: opts.secret, id: opts.id, timestamp: opts.timestamp, body: opts.body }).slice(3));
  return opts.signature.split(" ").some((entry) => {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
