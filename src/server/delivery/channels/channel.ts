/**
 * One small interface for every notification channel (SPEC §6). A channel turns a
 * Notification into one provider request and classifies the answer; the worker owns retries,
 * timeouts, attempts and status.
 */
import type { Mailer } from "@/server/mail/mailer";

export const CHANNEL_NAMES = ["discord_dm", "discord_webhook", "telegram", "slack", "email", "whatsapp", "webhook"] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** What every channel renders: the event and its category, values as the user sent them. */
export type Notification = {
  eventId: string;
  category: { name: string; emoji: string | null; color: string };
  description: string;
  fields: Record<string, string | number | boolean>;
  tags: string[];
  occurredAt: string;
  createdAt: string;
  /** Link to the event in the dashboard. */
  eventUrl: string;
  /** A "send test" from the settings page rather than a real event. */
  test?: boolean;
};

export type SendOutcome =
  | { kind: "delivered"; statusCode?: number }
  /** Try again later: 5xx, 408, 429, timeouts, network errors. `retryAfterMs` when the provider said when. */
  | { kind: "retry"; statusCode?: number; error: string; retryAfterMs?: number }
  /** Will never work as configured: other 4xx, invalid configuration. Failed at once with the provider's reason. */
  | { kind: "permanent"; statusCode?: number; error: string };

/** Server-side configuration and helpers a channel may use. */
export type ChannelContext = {
  discord: { botToken?: string; apiUrl: string };
  telegram: { botToken?: string; apiUrl: string };
  whatsapp: { token?: string; phoneNumberId?: string; apiUrl: string };
  mailer: Mailer;
  /** fetch with the delivery timeout already applied. */
  fetch: typeof fetch;
  /** Persist a change to this channel's user config (e.g. the Discord DM channel id, reused next time). */
  saveConfig: (patch: Record<string, unknown>) => Promise<void>;
};

export interface Channel<Config = Record<string, unknown>> {
  name: ChannelName;
  send(notification: Notification, config: Config, ctx: ChannelContext): Promise<SendOutcome>;
}

/** Classifies an HTTP answer the way every provider needs: 2xx ok, 408/429/5xx retry, other 4xx permanent. */
export async function outcomeOf(res: Response, reason?: (body: string) => string | undefined): Promise<SendOutcome> {
  if (res.ok) return { kind: "delivered", statusCode: res.status };
  const body = await res.text().catch(() => "");
  const error = `${res.status} ${reason?.(body) ?? (body.slice(0, 300) || res.statusText)}`;
  if (res.status === 429) return { kind: "retry", statusCode: 429, error, retryAfterMs: retryAfterMs(res, body) };
  if (res.status === 408 || res.status >= 500) return { kind: "retry", statusCode: res.status, error };
  return { kind: "permanent", statusCode: res.status, error };
}

/** `Retry-After` (seconds or HTTP date), or a JSON `retry_after` (Discord: seconds, Telegram: parameters.retry_after). */
export function retryAfterMs(res: Response, body: string): number | undefined {
  const header = res.headers.get("retry-after");
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  try {
    const json = JSON.parse(body) as { retry_after?: number; parameters?: { retry_after?: number } };
    const value = json.retry_after ?? json.parameters?.retry_after;
    if (typeof value === "number" && Number.isFinite(value)) return Math.max(0, value * 1000);
  } catch {
    // not JSON
  }
  return undefined;
}
