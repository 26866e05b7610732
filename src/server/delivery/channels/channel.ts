/**
 * One small interface for every notification channel. A channel turns a
 * Notification into one provider request and classifies the answer; the worker owns retries,
 * timeouts, attempts and status.
 */
import { STATUS_CODES } from "node:http";
import type { Mailer } from "@/server/mail/mailer";
import { OutboundBlockedError, UNDELIVERABLE_MESSAGE, type OutboundClient } from "@/server/security/outbound";
import { userUrlProblem, type UserUrlChannel, type UserUrlPolicy } from "./user-url";

import type { ChannelName } from "@/shared/notification";

export type { ChannelName };

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
  | { kind: "retry"; statusCode?: number; error: string; retryAfterMs?: number; detail?: string }
  /** Will never work as configured: other 4xx, invalid configuration. Failed at once with the provider's reason. */
  | { kind: "permanent"; statusCode?: number; error: string };

/** Server-side configuration and helpers a channel may use. */
export type ChannelContext = {
  discord: { botToken?: string; apiUrl: string };
  telegram: { botToken?: string; apiUrl: string };
  whatsapp: { token?: string; phoneNumberId?: string; apiUrl: string };
  mailer: Mailer;
  /** fetch with the delivery timeout already applied, for the providers' configured API URLs only. */
  fetch: typeof fetch;
  /** URLs the user typed: the current policy and the guarded client (delivery timeout applied). Only through postToUserUrl. */
  userUrls: { policy: UserUrlPolicy; request: OutboundClient["request"] };
  /** Persist a change to this channel's user config (e.g. the Discord DM channel id, reused next time). */
  saveConfig: (patch: Record<string, unknown>) => Promise<void>;
  /** The services' clock: webhook timestamps, Retry-After dates. */
  now: () => Date;
};

export interface Channel<Config = Record<string, unknown>> {
  name: ChannelName;
  send(notification: Notification, config: Config, ctx: ChannelContext): Promise<SendOutcome>;
}

/** 408, 429 and 5xx may clear by themselves; any of them may say when (`Retry-After` on a 503 as on a 429). */
const isRetryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** Classifies an HTTP answer the way every provider needs: 2xx ok, 408/429/5xx retry, other 4xx permanent. */
export async function outcomeOf(res: Response, ctx: Pick<ChannelContext, "now">, reason?: (body: string) => string | undefined): Promise<SendOutcome> {
  if (res.ok) return { kind: "delivered", statusCode: res.status };
  const body = await res.text().catch(() => "");
  const error = `${res.status} ${reason?.(body) ?? (body.slice(0, 300) || res.statusText)}`;
  if (isRetryable(res.status)) return { kind: "retry", statusCode: res.status, error, retryAfterMs: retryAfterMs(res, body, ctx.now()) };
  return { kind: "permanent", statusCode: res.status, error };
}

/**
 * POSTs to a URL the user typed and classifies the answer like outcomeOf, except that nothing
 * of a network failure or of the remote body leaks into the error the user sees (and that is
 * stored): a failure to connect is always UNDELIVERABLE_MESSAGE, an HTTP error is its status and
 * standard reason phrase, plus `reason(body)` only for a provider's own host (Slack, Discord).
 * The URL is checked against the policy of this moment first, not the one it was saved under.
 */
export async function postToUserUrl(
  ctx: ChannelContext,
  channel: UserUrlChannel,
  url: string,
  init: { headers: Record<string, string>; body: string; maxBodyBytes?: number },
  reason?: (body: string) => string | undefined,
): Promise<SendOutcome> {
  const problem = userUrlProblem(channel, url, ctx.userUrls.policy);
  if (problem) return { kind: "permanent", error: problem };
  let res: Awaited<ReturnType<typeof ctx.userUrls.request>>;
  try {
    res = await ctx.userUrls.request(url, { method: "POST", ...init });
  } catch (error) {
    if (error instanceof OutboundBlockedError) return { kind: "permanent", error: error.message };
    return { kind: "retry", error: UNDELIVERABLE_MESSAGE, detail: failureDetail(error) };
  }
  const { status, body } = res;
  if (status >= 200 && status < 300) return { kind: "delivered", statusCode: status };
  const phrase = STATUS_CODES[status] ?? "HTTP error";
  if (status >= 300 && status < 400) return { kind: "permanent", statusCode: status, error: `${status} ${phrase}: redirects are not followed` };
  const error = `${status} ${reason?.(body) ?? phrase}`;
  if (isRetryable(status)) return { kind: "retry", statusCode: status, error, retryAfterMs: retryAfterMs(res, body, ctx.now()) };
  return { kind: "permanent", statusCode: status, error };
}

/** Why a request to a user URL failed, for the operator's log only (never stored or shown to the user). */
function failureDetail(error: unknown): string {
  const chain: string[] = [];
  for (let e = error as { name?: string; message?: string; code?: string; detail?: string; cause?: unknown } | undefined; e && chain.length < 4; e = e.cause as typeof e) {
    chain.push(e.detail ?? e.code ?? e.message ?? String(e));
  }
  return chain.slice(1).join(": ") || chain.join(": ");
}

/** `Retry-After` (seconds or HTTP date), or a JSON `retry_after` (Discord: seconds, Telegram: parameters.retry_after). */
export function retryAfterMs(res: { headers: { get(name: string): string | null } }, body: string, now: Date): number | undefined {
  const header = res.headers.get("retry-after");
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - now.getTime());
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
