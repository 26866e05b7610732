import type { Env } from "@/env";
import type { ChannelOwner } from "@/server/notification/notification.queries";
import { requireRole, type WorkspaceAccess } from "@/server/workspace/workspace.service";
import { workspaceLink } from "@/shared/workspace-link";
import { toDate, type Db } from "@/server/db/db";
import { AppError } from "@/server/errors";
import type { Logger } from "@/server/log/logger";
import type { Mailer } from "@/server/mail/mailer";
import type { Metrics } from "@/server/metrics/metrics";
import type { RealtimeBus } from "@/server/realtime/realtime.bus";
import { updateChannelConfig } from "@/server/notification/notification.service";
import type { ChannelContext, ChannelName, Notification, SendOutcome } from "./channels/channel";
import { channels } from "./channels";
import { userUrlPolicy } from "./channels/user-url";
import { outboundClient } from "@/server/security/outbound";
import { findDeliveryContext, insertAttempt, listDeliveriesOfEvent, updateDeliveryAfterAttempt, updateDeliveryForRetry, updateEventStatusFromDeliveries } from "./delivery.queries";

/** About 5 s, 30 s, 2 min, 10 min, 30 min, 2 h, 6 h, 12 h; then the delivery fails. */
export const RETRY_SCHEDULE_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000];

/** The wait before retry number `retry` (1-based), ±20 % jitter; a provider's own Retry-After wins when longer. */
export function backoffDelayMs(retry: number, schedule: number[], retryAfterMs?: number, random = Math.random) {
  const base = schedule[Math.min(retry, schedule.length) - 1]!;
  const jittered = base * (0.8 + 0.4 * random());
  return Math.max(jittered, retryAfterMs ?? 0);
}

export type DeliveryDeps = {
  db: Db;
  env: Env;
  mailer: Mailer;
  logger: Logger;
  timeoutMs: number;
  schedule: number[];
  clock: () => Date;
  /** Tells the workspace's open dashboards (realtime bus). */
  publish?: RealtimeBus["publish"];
  /** Counts each attempt's outcome (and accept-to-notify latency) for /metrics. */
  metrics?: Pick<Metrics, "deliveryAttempted">;
};

type ContextRow = NonNullable<Awaited<ReturnType<typeof findDeliveryContext>>>;
const parseJson = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

export function notificationFromRow(row: ContextRow, appUrl: string): Notification {
  return {
    eventId: row.event_id,
    category: { name: row.category_name, emoji: row.category_emoji, color: row.category_color },
    description: row.description,
    fields: parseJson(row.fields),
    tags: parseJson(row.tags),
    occurredAt: toDate(row.occurred_at).toISOString(),
    createdAt: toDate(row.created_at).toISOString(),
    eventUrl: workspaceLink(appUrl, `/dashboard/events/${row.event_id}`, row.workspace_slug),
  };
}

/** Server configuration and helpers for one send, with the delivery timeout on every request. */
export function channelContext(deps: Pick<DeliveryDeps, "db" | "env" | "mailer" | "timeoutMs" | "clock">, owner: ChannelOwner, channel: ChannelName): ChannelContext {
  const { env } = deps;
  // Read at every send: a URL saved under a more permissive setting stops working when it is turned off.
  const policy = userUrlPolicy(env);
  const outbound = outboundClient(policy);
  return {
    discord: { botToken: env.DISCORD_BOT_TOKEN, apiUrl: env.DISCORD_API_URL },
    telegram: { botToken: env.TELEGRAM_BOT_TOKEN, apiUrl: env.TELEGRAM_API_URL },
    whatsapp: { token: env.WHATSAPP_TOKEN, phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID, apiUrl: env.WHATSAPP_API_URL },
    mailer: deps.mailer,
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(deps.timeoutMs) }),
    userUrls: { policy, request: (url, init) => outbound.request(url, { ...init, signal: AbortSignal.timeout(deps.timeoutMs) }) },
    saveConfig: (patch) => updateChannelConfig(deps.db, owner, channel, patch, deps.clock()),
    now: deps.clock,
  };
}

/** The config a channel receives: the user's saved config, plus the account email for the email channel. */
export function channelConfigFor(channel: string, saved: string | null, email: string | null, emailVerified: boolean | number | null) {
  const config = saved ? (JSON.parse(saved) as Record<string, unknown>) : {};
  return channel === "email" && email ? { ...config, recipient: { address: email, verified: Boolean(emailVerified) } } : config;
}

/** Sends with the channel and turns a thrown error (timeout, network) into a retry. */
export async function sendVia(channel: ChannelName, notification: Notification, config: Record<string, unknown>, ctx: ChannelContext): Promise<SendOutcome> {
  const impl = channels[channel];
  if (!impl) return { kind: "permanent", error: `Unknown channel ${channel}` };
  try {
    return await impl.send(notification, config, ctx);
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    const timedOut = err?.name === "TimeoutError" || err?.name === "AbortError";
    // fetch reports every network failure as "fetch failed"; the cause says which (ECONNREFUSED, ENOTFOUND…).
    const cause = err?.cause?.code ?? err?.cause?.message;
    const message = timedOut ? "Timed out" : cause ? `${err.message}: ${cause}` : (err?.message ?? String(error));
    return { kind: "retry", error: message.slice(0, 500) };
  }
}

/**
 * One attempt of one claimed delivery: render, send, record the attempt, then either mark it
 * delivered, schedule the retry, or fail it, and roll the event's status up.
 */
export async function attemptDelivery(deps: DeliveryDeps, claimed: { id: string; event_id: string; workspace_id: string; channel: string; attempts: number }) {
  const startedAt = deps.clock();
  const row = await findDeliveryContext(deps.db, claimed.id);
  const attempt = claimed.attempts + 1;
  let outcome: SendOutcome;
  if (!row) {
    outcome = { kind: "permanent", error: "The event no longer exists." };
  } else if (row.recipient_id && !row.recipient_role) {
    // Removed from the workspace after the event was accepted (and before this send).
    outcome = { kind: "permanent", error: "The recipient is no longer a member of this workspace." };
  } else {
    const channel = row.channel as ChannelName;
    const config = channelConfigFor(channel, row.channel_config, row.email, row.email_verified);
    outcome = await sendVia(
      channel,
      notificationFromRow(row, deps.env.APP_URL),
      config,
      channelContext(deps, row.recipient_id ? { userId: row.recipient_id } : { workspaceId: row.workspace_id }, channel),
    );
    // The user sees one uniform text for a URL that cannot be reached; the operator sees why.
    if (outcome.kind === "retry" && outcome.detail) deps.logger.info({ deliveryId: claimed.id, channel, reason: outcome.detail }, "could not reach a user-supplied URL");
  }
  const finishedAt = deps.clock();
  const finished = finishedAt.toISOString();
  const durationMs = finishedAt.getTime() - startedAt.getTime();
  const statusCode = outcome.statusCode;
  const error = outcome.kind === "delivered" ? undefined : outcome.error;
  await insertAttempt(deps.db, { deliveryId: claimed.id, attempt, outcome: outcome.kind, statusCode, error, durationMs, startedAt: startedAt.toISOString() });

  if (outcome.kind === "delivered") {
    await updateDeliveryAfterAttempt(deps.db, claimed.id, { status: "DELIVERED", attempts: attempt, deliveredAt: finished, lastStatusCode: statusCode }, finished);
  } else if (outcome.kind === "retry" && attempt <= deps.schedule.length) {
    const wait = backoffDelayMs(attempt, deps.schedule, outcome.retryAfterMs);
    await updateDeliveryAfterAttempt(
      deps.db,
      claimed.id,
      {
        status: "PENDING",
        attempts: attempt,
        nextAttemptAt: new Date(finishedAt.getTime() + wait).toISOString(),
        lastError: error,
        lastStatusCode: statusCode,
      },
      finished,
    );
  } else {
    await updateDeliveryAfterAttempt(deps.db, claimed.id, { status: "FAILED", attempts: attempt, lastError: error, lastStatusCode: statusCode }, finished);
  }
  const eventStatus = await updateEventStatusFromDeliveries(deps.db, claimed.event_id);
  const status = outcome.kind === "delivered" ? "DELIVERED" : outcome.kind === "retry" && attempt <= deps.schedule.length ? "PENDING" : "FAILED";
  deps.metrics?.deliveryAttempted(claimed.channel, status === "DELIVERED" ? "delivered" : status === "PENDING" ? "retry" : "failed", row ? toDate(row.created_at) : undefined, finishedAt);
  deps.publish?.(claimed.workspace_id, { type: "delivery.updated", eventId: claimed.event_id, channel: claimed.channel, status, eventStatus });
  return outcome;
}

export function toDeliveryDto(d: Awaited<ReturnType<typeof listDeliveriesOfEvent>>[number]) {
  const iso = (v: Date | string | null) => (v ? toDate(v).toISOString() : null);
  return {
    id: d.id,
    channel: d.channel,
    /** The member a personal channel's delivery is for; null for a workspace destination. */
    recipientId: d.recipient_id,
    status: d.status,
    attempts: d.attempts,
    lastError: d.last_error,
    lastStatusCode: d.last_status_code,
    nextAttemptAt: d.status === "PENDING" ? iso(d.next_attempt_at) : null,
    deliveredAt: iso(d.delivered_at),
    createdAt: iso(d.created_at)!,
    updatedAt: iso(d.updated_at)!,
  };
}

export async function listEventDeliveries(db: Db, eventId: string) {
  return (await listDeliveriesOfEvent(db, eventId)).map(toDeliveryDto);
}

/** "Retry now" on a failed delivery: due at once, the event back to pending. */
export async function retryDelivery(db: Db, ws: WorkspaceAccess, deliveryId: string, now: Date, wake: () => void) {
  requireRole(ws, "admin");
  const eventId = await updateDeliveryForRetry(db, ws.id, deliveryId, now.toISOString());
  if (!eventId) throw new AppError("NOT_FOUND", "No failed delivery with that id.");
  await updateEventStatusFromDeliveries(db, eventId);
  wake();
}
