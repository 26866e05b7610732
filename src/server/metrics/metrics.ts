/**
 * Prometheus metrics (GET /metrics, docs/OPERATIONS.md). One registry per services instance,
 * never prom-client's global one, so several app instances in one process (the tests) keep
 * their own counts. The hooks below are what the rest of the code calls; each is a counter or
 * histogram update in memory (well under a microsecond). Gauges read from the database or the
 * pool are computed only when /metrics is scraped.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { poolStats, toDate, type Db } from "@/server/db/db";
import type { Logger } from "@/server/log/logger";
import { errorStatus } from "@/shared/error-codes";
import { countOutbox, earliestPendingDue } from "./metrics.queries";

export type IngestEndpoint = "single" | "batch";
/** How one delivery attempt ended: sent, scheduled for a retry, or failed for good. */
export type DeliveryAttemptStatus = "delivered" | "retry" | "failed";

/** Ingest answers, p99 target 25 ms (SPEC §9): fine steps from 1 ms, then up to a slow 0.5 s. */
const INGEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5];
/** Event accepted → delivered: p50 < 50 ms, p99 < 250 ms when providers answer; retries add minutes to hours. */
const NOTIFY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 43200];

type IngestBody = { error?: { code?: string }; results?: { status: number; error?: { code?: string } }[] };

export function createMetrics(opts: { db: Db; clock: () => Date; logger: Logger; processMetrics: boolean }) {
  const { db, clock, logger } = opts;
  const registry = new Registry();
  const registers = [registry];

  const accepted = new Counter({ name: "pingpilot_events_accepted_total", help: "Events the ingest API accepted (202, including Idempotency-Key replays).", registers });
  const refused = new Counter({
    name: "pingpilot_events_refused_total",
    help: "Ingest answers that stored nothing, by error code (a batch counts per event; a batch refused whole counts once).",
    labelNames: ["code"] as const,
    registers,
  });
  // Present from the first scrape, so rate() and alerts see the first refusal of each kind.
  for (const code of [...Object.keys(errorStatus), "INTERNAL"]) refused.inc({ code }, 0);
  const ingestSeconds = new Histogram({
    name: "pingpilot_ingest_duration_seconds",
    help: "Time to answer an ingest request, from the handler's start to the response (seconds).",
    labelNames: ["endpoint"] as const,
    buckets: INGEST_BUCKETS,
    registers,
  });
  const deliveries = new Counter({
    name: "pingpilot_deliveries_total",
    help: "Delivery attempts by channel and outcome: delivered, retry (scheduled again), failed (given up).",
    labelNames: ["channel", "status"] as const,
    registers,
  });
  const acceptToNotify = new Histogram({
    name: "pingpilot_accept_to_notify_seconds",
    help: "From the event's acceptance (created_at) to its delivery on a channel (seconds), retries included.",
    labelNames: ["channel"] as const,
    buckets: NOTIFY_BUCKETS,
    registers,
  });
  const claimed = new Counter({ name: "pingpilot_worker_claimed_total", help: "Deliveries claimed by this process's delivery worker.", registers });
  const liveStreams = new Gauge({ name: "pingpilot_live_streams", help: "Open live-update streams (GET /api/stream) on this instance.", registers });

  // PostgreSQL: the pg pool behind Kysely. SQLite has one in-process connection: nothing to show.
  // Registered before the outbox gauges: a scrape reads the pool before its own queries queue on it.
  if (poolStats(db)) {
    const poolGauges = [
      ["max", "pingpilot_db_pool_max_connections", "Connections the PostgreSQL pool may open (DATABASE_POOL_MAX)."],
      ["total", "pingpilot_db_pool_connections", "Open PostgreSQL pool connections (idle and in use)."],
      ["idle", "pingpilot_db_pool_idle_connections", "Open PostgreSQL pool connections not in use."],
      ["waiting", "pingpilot_db_pool_waiting_requests", "Queries waiting for a PostgreSQL pool connection (every connection is in use)."],
    ] as const;
    for (const [key, name, help] of poolGauges)
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(poolStats(db)![key]);
        },
      });
  }

  const scrapeFailed = (what: string) => (err: unknown) => {
    logger.warn({ err }, `metrics: reading ${what} failed`);
    return undefined;
  };
  new Gauge({
    name: "pingpilot_outbox_depth",
    help: "Unsent deliveries in the database (every instance's), by status: PENDING (due or waiting for a retry), SENDING (claimed by a worker). NaN when the query failed.",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      const rows = await countOutbox(db).catch(scrapeFailed("the outbox depth"));
      const counts = { PENDING: rows ? 0 : Number.NaN, SENDING: rows ? 0 : Number.NaN };
      for (const row of rows ?? []) counts[row.status as keyof typeof counts] = Number(row.n);
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: "pingpilot_outbox_oldest_pending_age_seconds",
    help: "How long the most overdue pending delivery has been due (seconds); 0 when none is due. NaN when the query failed.",
    registers,
    async collect() {
      const due = await earliestPendingDue(db).then((v) => ({ v }), scrapeFailed("the oldest pending delivery"));
      if (!due) return this.set(Number.NaN);
      this.set(due.v === undefined ? 0 : Math.max(0, (clock().getTime() - toDate(due.v).getTime()) / 1000));
    },
  });

  // Memory, CPU, event-loop lag, GC, handles: only when /metrics is on (they keep observers running).
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });

  return {
    registry,

    /**
     * The answer-recording hook of one ingest endpoint (ingest.route.ts calls it for every answer
     * it gives): its latency, and per event accepted (202) or refused by the error's code. A
     * batch answers 200 with one result per event.
     */
    ingest(endpoint: IngestEndpoint) {
      const latency = ingestSeconds.labels(endpoint);
      return (status: number, body: unknown, startedAt: number) => {
        latency.observe((performance.now() - startedAt) / 1000);
        if (status === 202) return accepted.inc();
        const { error, results } = body as IngestBody;
        if (status !== 200 || !results) return refused.inc({ code: error?.code ?? `HTTP_${status}` });
        let ok = 0;
        for (const r of results) {
          if (r.status === 202) ok++;
          else refused.inc({ code: r.error?.code ?? `HTTP_${r.status}` });
        }
        if (ok) accepted.inc(ok);
      };
    },

    /** One delivery attempt finished; a delivered one also records how long after acceptance. */
    deliveryAttempted(channel: string, status: DeliveryAttemptStatus, acceptedAt?: Date, deliveredAt?: Date) {
      deliveries.inc({ channel, status });
      if (status === "delivered" && acceptedAt && deliveredAt) acceptToNotify.observe({ channel }, Math.max(0, (deliveredAt.getTime() - acceptedAt.getTime()) / 1000));
    },

    workerClaimed(n: number) {
      if (n > 0) claimed.inc(n);
    },

    streamOpened: () => liveStreams.inc(),
    streamClosed: () => liveStreams.dec(),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
