import type { Db } from "@/server/db/db";
import type { WorkspacePlan } from "@/server/workspace/workspace.service";
import { toDate } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { EventFields } from "@/server/db/types";
import { AppError } from "@/server/errors";
import { limitsFor, quotaPeriod, quotaState, type QuotaState } from "@/server/quota/quota.service";
import type { Services } from "@/server/services";
import type { LiveMessage } from "@/shared/live-message";
import { getCategoryByIdOrThrow, getCategoryByNameOrThrow } from "@/server/category/category.service";
import { normalizeCategoryName } from "@/shared/category";
import { listDeliveryStatuses } from "@/server/delivery/delivery.queries";
import { listEventDeliveries } from "@/server/delivery/delivery.service";
import { groupCommitFor } from "./event.group-commit";
import { findEventById, listEventsPage, storeEvents, type EventWrite, type StoreEventResult } from "./event.queries";

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

type Owner = { workspaceId: string; eventLimit: number };

export type RecordResult = { event: AcceptedEvent; quota?: QuotaState; replayed: boolean };

/** What accepting an event from the public API needs besides the database. */
export type IngestDeps = Pick<Services, "db" | "env" | "clock" | "deliveryBell" | "realtime"> & Partial<Pick<Services, "monitorBell">>;

/** An event checked and ready to store, and how to read the outcome of storing it. */
type PreparedEvent = { write: EventWrite; settle: (outcome: StoreEventResult) => RecordResult };

/**
 * Checks what the schema cannot (the timestamp against now) and builds the write: the event
 * row, its quota month and the Idempotency-Key claim with the response it will replay.
 */
function prepareEvent(owner: Owner, input: EventInput, now: Date, idempotencyKey?: string): PreparedEvent {
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
  const { period, resetsAt } = quotaPeriod(now);
  const write: EventWrite = {
    categoryName: name,
    event: {
      id,
      workspaceId: owner.workspaceId,
      description: input.description ?? `A new ${name} event has occurred!`,
      fields: input.fields ?? {},
      tags: input.tags ?? [],
      notify,
      occurredAt: (input.occurredAt ?? now).toISOString(),
      createdAt,
    },
    quota: { period, limit: owner.eventLimit },
    claim:
      idempotencyKey === undefined
        ? undefined
        : {
            key: idempotencyKey,
            createdAt,
            expiredBefore: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS).toISOString(),
            response: (channels) => JSON.stringify(accepted(channels)),
          },
  };
  const settle = (outcome: StoreEventResult): RecordResult => {
    switch (outcome.kind) {
      case "stored":
        return { event: accepted(outcome.channels), quota: quotaState(owner.eventLimit, outcome.quotaUsed, now), replayed: false };
      case "replay":
        return { event: JSON.parse(outcome.response) as AcceptedEvent, replayed: true };
      case "no-category":
        throw new AppError("NOT_FOUND", `No category named "${name}". Create it first: in the dashboard (Add category) or with POST /api/v1/categories {"name":"${name}"}.`, { field: "category" });
      case "quota-exceeded": {
        const untilReset = Math.ceil((resetsAt.getTime() - now.getTime()) / 1000);
        throw new AppError("QUOTA_EXCEEDED", `Monthly event quota of ${owner.eventLimit} reached. It resets at the start of next month (UTC).`, undefined, untilReset);
      }
    }
  };
  return { write, settle };
}

/**
 * Stores one event on its own, in one transaction: finds the category, claims the
 * Idempotency-Key, counts the event against the monthly quota (atomically, no overshoot) and
 * stores it with its deliveries. Everything is committed before this resolves; nothing is sent
 * to a provider here.
 */
export async function recordEvent(db: Db, owner: Owner, input: EventInput, now: Date, idempotencyKey?: string): Promise<RecordResult> {
  const { write, settle } = prepareEvent(owner, input, now, idempotencyKey);
  return settle(await storeOnce(db, write));
}

async function storeOnce(db: Db, write: EventWrite) {
  const [outcome] = await storeEvents(db, [write]);
  if (outcome instanceof Error) throw outcome;
  return outcome!;
}

/** Through the group commit (INGEST_GROUP_COMMIT, the default) or in a transaction of its own. */
const store = (deps: IngestDeps, write: EventWrite) => (deps.env.INGEST_GROUP_COMMIT ? groupCommitFor(deps.db).submit(write) : storeOnce(deps.db, write));

type Announcement = { workspaceId: string; message: LiveMessage };
const announcing = new WeakMap<IngestDeps["realtime"], { messages: Map<string, Announcement>; ring: boolean }>();

/**
 * After commit: wake the in-process worker when there is something to deliver, and tell the
 * workspace's open dashboards. Both once per turn of the event loop: of the events of one workspace
 * and category committed together, the last is announced (every listener refreshes on it, none
 * counts them), so a burst costs one message per category, not one NOTIFY per event on
 * PostgreSQL, where one connection carries them all.
 */
function announce(deps: IngestDeps, workspaceId: string, result: RecordResult) {
  if (result.replayed) return;
  let pending = announcing.get(deps.realtime);
  if (!pending) {
    const turn = { messages: new Map<string, Announcement>(), ring: false };
    announcing.set(deps.realtime, (pending = turn));
    setImmediate(() => {
      announcing.delete(deps.realtime);
      if (turn.ring) deps.deliveryBell.ring();
      for (const { workspaceId: to, message } of turn.messages.values()) {
        // Monitors watching the category look again (the job filters by its own cached list: no query here).
        if (message.type === "event.created") deps.monitorBell?.ring({ workspaceId: to, category: message.category, eventId: message.eventId });
        deps.realtime.publish(to, message);
      }
    });
  }
  if (result.event.deliveries.length) pending.ring = true;
  pending.messages.set(`${workspaceId}\u0000${result.event.category}`, {
    workspaceId,
    message: { type: "event.created", eventId: result.event.id, category: result.event.category, createdAt: result.event.createdAt },
  });
}

/**
 * An event from the public API: counted against the owner's plan and stored (see recordEvent),
 * then announced. A replay of an Idempotency-Key is neither stored nor announced again.
 */
export async function ingestEvent(deps: IngestDeps, ws: WorkspacePlan, input: EventInput, idempotencyKey?: string): Promise<RecordResult> {
  const now = deps.clock();
  const { write, settle } = prepareEvent({ workspaceId: ws.id, eventLimit: limitsFor(ws.plan, deps.env).eventsPerMonth }, input, now, idempotencyKey);
  const result = settle(await store(deps, write));
  announce(deps, ws.id, result);
  return result;
}

/** One item of a batch: the event, or the error that kept it out (validation, parsing). */
export type BatchItem = { input: EventInput; idempotencyKey?: string } | { error: AppError };

/** An item's outcome: the accepted event, or its error (an AppError, or anything unexpected). */
export type BatchItemResult = { ok: RecordResult } | { error: unknown };

/**
 * Several events from one request: each checked, counted against the quota (atomically, in
 * order) and stored like a single event, with its own outcome; one failing does not fail the
 * others. They are submitted together, so they share a transaction where they can.
 */
export async function ingestEvents(deps: IngestDeps, ws: WorkspacePlan, items: BatchItem[]): Promise<BatchItemResult[]> {
  const now = deps.clock();
  const account = { workspaceId: ws.id, eventLimit: limitsFor(ws.plan, deps.env).eventsPerMonth };
  const prepared = items.map((item): PreparedEvent | { error: unknown } => {
    if ("error" in item) return item;
    try {
      return prepareEvent(account, item.input, now, item.idempotencyKey);
    } catch (error) {
      return { error };
    }
  });
  const writes = prepared.flatMap((p) => ("write" in p ? [p.write] : []));
  // With group commit they join whatever else is being written; without, this request's events still share one transaction.
  const outcomes: (StoreEventResult | Error)[] = deps.env.INGEST_GROUP_COMMIT
    ? await Promise.all(
        writes.map((w) =>
          groupCommitFor(deps.db)
            .submit(w)
            .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        ),
      )
    : writes.length
      ? await storeEvents(deps.db, writes)
      : [];
  let next = 0;
  const results = prepared.map((p): BatchItemResult => {
    if (!("write" in p)) return p;
    const outcome = outcomes[next++]!;
    if (outcome instanceof Error) return { error: outcome };
    try {
      return { ok: p.settle(outcome) };
    } catch (error) {
      return { error };
    }
  });
  for (const r of results) if ("ok" in r) announce(deps, ws.id, r.ok);
  return results;
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

/** One of the workspace's events with every delivery (channel, status, attempts, last error, times). */
export async function getEventOrThrow(db: Db, workspaceId: string, id: string) {
  const row = await findEventById(db, workspaceId, id);
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
 * A page of the workspace's events, newest first. A category filter is resolved through the workspace's
 * own categories first (by id or by name), so another tenant's id or name finds nothing: 404.
 */
export async function listEvents(db: Db, filter: { workspaceId: string; categoryId?: string; categoryName?: string; from?: Date; to?: Date; cursor?: string; limit: number }) {
  const category = filter.categoryId
    ? await getCategoryByIdOrThrow(db, filter.workspaceId, filter.categoryId)
    : filter.categoryName
      ? await getCategoryByNameOrThrow(db, filter.workspaceId, filter.categoryName)
      : undefined;
  const rows = await listEventsPage(db, {
    workspaceId: filter.workspaceId,
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
