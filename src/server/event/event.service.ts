import type { Db } from "@/server/db/db";
import { toDate } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { EventFields } from "@/server/db/types";
import { AppError } from "@/server/errors";
import { limitsFor, quotaPeriod, quotaState, type QuotaState } from "@/server/quota/quota.service";
import type { Services } from "@/server/services";
import type { Plan } from "@/shared/current-user";
import { getCategoryByIdOrThrow, getCategoryByNameOrThrow } from "@/server/category/category.service";
import { normalizeCategoryName } from "@/shared/category";
import { listDeliveryStatuses } from "@/server/delivery/delivery.queries";
import { listEventDeliveries } from "@/server/delivery/delivery.service";
import { findEventById, findIdempotencyRecord, listEventsPage, storeEvent } from "./event.queries";

export type EventInput = {
  category: string;
  description?: string;
  fields?: EventFields;
  tags?: string[];
  /** When it happened; defaults to now. */
  occurredAt?: Date;
  notify?: boolean;
};

export type AcceptedEvent = {
  id: string;
  category: string;
  createdAt: string;
  deliveries: { channel: string; status: string }[];
  warning?: string;
};

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const EARLIEST_OCCURRED_AT = Date.UTC(2000, 0, 1);
/** Clocks drift and time zones get confused; more than a day ahead is a mistake, not skew. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

function checkOccurredAt(at: Date, now: Date) {
  if (at.getTime() >= EARLIEST_OCCURRED_AT && at.getTime() <= now.getTime() + MAX_FUTURE_MS) return;
  const message = "timestamp must be between 2000-01-01 and a day from now.";
  throw new AppError("VALIDATION_FAILED", message, [{ field: "timestamp", message }]);
}
const NO_CHANNEL_WARNING = "Stored. No notification channel is enabled for this category, so nobody was notified. Set one up in the dashboard under Settings → Notifications.";

type Owner = { userId: string; eventLimit: number };

export type RecordResult = { event: AcceptedEvent; quota?: QuotaState; replayed: boolean };

/**
 * Accepts one event in one transaction: finds the category, claims the Idempotency-Key,
 * counts the event against the monthly quota (atomically, no overshoot) and stores it.
 * Everything is committed before the caller answers 202; nothing is sent to a provider here.
 */
/** What accepting an event from the public API needs besides the database. */
export type IngestDeps = Pick<Services, "db" | "env" | "clock" | "deliveryBell" | "realtime">;

/**
 * An event from the public API: counted against the owner's plan and stored (recordEvent);
 * once committed, the in-process worker is woken when there is something to deliver and the
 * owner's open dashboards are told. A replay of an Idempotency-Key does neither again.
 */
export async function ingestEvent(deps: IngestDeps, owner: { userId: string; plan: Plan }, input: EventInput, idempotencyKey?: string): Promise<RecordResult> {
  const result = await recordEvent(deps.db, { userId: owner.userId, eventLimit: limitsFor(owner.plan, deps.env).eventsPerMonth }, input, deps.clock(), idempotencyKey);
  if (!result.replayed) {
    if (result.event.deliveries.length) deps.deliveryBell.ring();
    deps.realtime.publish(owner.userId, { type: "event.created", eventId: result.event.id, category: result.event.category, createdAt: result.event.createdAt });
  }
  return result;
}

export async function recordEvent(db: Db, owner: Owner, input: EventInput, now: Date, idempotencyKey?: string): Promise<RecordResult> {
  if (input.occurredAt) checkOccurredAt(input.occurredAt, now);
  const name = normalizeCategoryName(input.category);
  const id = newId();
  const createdAt = now.toISOString();
  const notify = input.notify ?? true;
  const accepted = (channels: string[]): AcceptedEvent => ({
    id,
    category: name,
    createdAt,
    deliveries: channels.map((channel) => ({ channel, status: "PENDING" })),
    ...(notify && !channels.length ? { warning: NO_CHANNEL_WARNING } : {}),
  });

  const { period } = quotaPeriod(now);
  const claim = idempotencyKey
    ? {
        userId: owner.userId,
        key: idempotencyKey,
        eventId: id,
        response: (channels: string[]) => JSON.stringify(accepted(channels)),
        createdAt,
        expiredBefore: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS).toISOString(),
      }
    : undefined;
  const outcome = await storeEvent(
    db,
    name,
    {
      id,
      userId: owner.userId,
      description: input.description ?? `A new ${name} event has occurred!`,
      fields: input.fields ?? {},
      tags: input.tags ?? [],
      notify,
      occurredAt: (input.occurredAt ?? now).toISOString(),
      createdAt,
    },
    { period, limit: owner.eventLimit },
    claim,
  );

  if (outcome.kind === "no-category") {
    throw new AppError("NOT_FOUND", `No category named "${name}". Create it first: in the dashboard (Add category) or with POST /api/v1/categories {"name":"${name}"}.`, { field: "category" });
  }
  if (outcome.kind === "quota-exceeded") {
    const untilReset = Math.ceil((quotaPeriod(now).resetsAt.getTime() - now.getTime()) / 1000);
    throw new AppError("QUOTA_EXCEEDED", `Monthly event quota of ${owner.eventLimit} reached. It resets at the start of next month (UTC).`, undefined, untilReset);
  }
  if (outcome.kind === "replay") {
    const record = await findIdempotencyRecord(db, owner.userId, idempotencyKey!);
    return { event: JSON.parse(record!.response) as AcceptedEvent, replayed: true };
  }
  return { event: accepted(outcome.channels), quota: quotaState(owner.eventLimit, outcome.quotaUsed, now), replayed: false };
}

const parseJson = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

type EventRowOut = Awaited<ReturnType<typeof listEventsPage>>[number];

function toEventDto(r: EventRowOut) {
  return {
    id: r.id,
    category: r.category,
    description: r.description,
    fields: parseJson<EventFields>(r.fields),
    tags: parseJson<string[]>(r.tags),
    status: r.status,
    notify: Boolean(r.notify),
    occurredAt: toDate(r.occurred_at).toISOString(),
    createdAt: toDate(r.created_at).toISOString(),
  };
}

/** One of the user's events with every delivery (channel, status, attempts, last error, times). */
export async function getEventOrThrow(db: Db, userId: string, id: string) {
  const row = await findEventById(db, userId, id);
  if (!row) throw new AppError("NOT_FOUND", "Event not found.");
  return { ...toEventDto(row), deliveries: await listEventDeliveries(db, row.id) };
}

/** Opaque page cursor: the last row's (created_at, id). */
const encodeCursor = (row: { created_at: Date | string; id: string }) => Buffer.from(`${toDate(row.created_at).toISOString()}|${row.id}`).toString("base64url");

function decodeCursor(cursor: string) {
  const [createdAt, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt))) throw new AppError("VALIDATION_FAILED", "cursor is not one this API returned.", [{ field: "cursor", message: "invalid" }]);
  return { createdAt, id };
}

/**
 * A page of the user's events, newest first. A category filter is resolved through the user's
 * own categories first (by id or by name), so another tenant's id or name finds nothing: 404.
 */
export async function listEvents(db: Db, filter: { userId: string; categoryId?: string; categoryName?: string; from?: Date; to?: Date; cursor?: string; limit: number }) {
  const category = filter.categoryId
    ? await getCategoryByIdOrThrow(db, filter.userId, filter.categoryId)
    : filter.categoryName
      ? await getCategoryByNameOrThrow(db, filter.userId, filter.categoryName)
      : undefined;
  const rows = await listEventsPage(db, {
    userId: filter.userId,
    categoryId: category?.id,
    from: filter.from?.toISOString(),
    to: filter.to?.toISOString(),
    before: filter.cursor ? decodeCursor(filter.cursor) : undefined,
    limit: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  const statuses = await listDeliveryStatuses(
    db,
    page.map((r) => r.id),
  );
  const deliveriesOf = (id: string) => statuses.filter((d) => d.event_id === id).map((d) => ({ channel: d.channel, status: d.status }));
  return {
    data: page.map((r) => ({ ...toEventDto(r), deliveries: deliveriesOf(r.id) })),
    nextCursor: rows.length > filter.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}
