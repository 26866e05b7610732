import { EventEmitter } from "node:events";
import pg from "pg";
import type { Env } from "@/env";
import type { Logger } from "@/server/log/logger";
import type { LiveMessage } from "@/shared/live-message";

export type { LiveMessage };

/**
 * Between instances only, never to a browser: drop cached state another instance has made
 * stale. `resync` is raised locally when the listener reconnects, since messages sent while
 * it was away are lost and any cached state may be stale.
 */
export type InternalMessage = { type: "api-key.evict"; keyId: string } | { type: "api-key.evict-workspaces"; workspaceIds: string[] } | { type: "resync" };

type Envelope = { workspaceId: string; message: LiveMessage };

const CHANNEL = "pingpilot_live";
const INTERNAL_CHANNEL = "pingpilot_internal";
const INTERNAL_EVENT = Symbol("internal");

/** Shown in pg_stat_activity, so an operator can tell the listener from the pool's connections. */
export const LISTENER_APPLICATION_NAME = "pingpilot-listener";

/** Notifications sent in one statement at most (each is one pg_notify call in a select). */
const MAX_BATCH = 100;

export type ReconnectOptions = {
  /** First wait after the connection is lost; doubled after each failed attempt, up to `maxDelayMs`. */
  minDelayMs: number;
  maxDelayMs: number;
};

const DEFAULT_RECONNECT: ReconnectOptions = { minDelayMs: 250, maxDelayMs: 30_000 };

type Pending = { channel: string; payload: string; settle: (err?: unknown) => void };

/**
 * Per-user live messages. In process on SQLite (one process serves and delivers); on
 * PostgreSQL every publish goes through NOTIFY and every instance LISTENs, so a worker or a
 * web instance anywhere reaches the browsers connected to any instance.
 *
 * The listener is one dedicated connection. When it is lost, it reconnects for as long as the
 * process runs (backoff with jitter, up to `maxDelayMs` between attempts), LISTENs again and
 * raises `resync`. NOTIFYs go through the same connection one statement at a time (pg allows
 * one query in flight per client): those sent while one is in flight are batched into the next.
 */
export function createRealtimeBus(env: Env, logger: Logger, opts: { reconnect?: ReconnectOptions } = {}) {
  const local = new EventEmitter().setMaxListeners(0);
  const dispatch = (e: Envelope) => local.emit(e.workspaceId, e.message);
  const dispatchInternal = (m: InternalMessage) => local.emit(INTERNAL_EVENT, m);
  const reconnect = opts.reconnect ?? DEFAULT_RECONNECT;
  const url = env.database.dialect === "postgres" ? env.database.url : undefined;

  /** The listening connection, while it is up. */
  let listener: pg.Client | undefined;
  let closed = false;
  let wakeRetry: (() => void) | undefined;
  /** Settles after the first attempt to listen (successful or not). */
  let firstAttempt: Promise<void> | undefined;
  /** The connection loop; resolves once closed. */
  let loop: Promise<void> | undefined;

  const queue: Pending[] = [];
  let flushing = false;

  function handleNotification(n: pg.Notification) {
    if (!n.payload) return;
    try {
      if (n.channel === CHANNEL) dispatch(JSON.parse(n.payload) as Envelope);
      else if (n.channel === INTERNAL_CHANNEL) dispatchInternal(JSON.parse(n.payload) as InternalMessage);
    } catch (err) {
      logger.warn({ err }, "bad live message");
    }
  }

  /**
   * Connects and LISTENs, calls `onListening`, and resolves when that connection is gone (or
   * rejects if it never came up).
   */
  async function listenOnce(onListening: () => void) {
    const client = new pg.Client({ connectionString: url, application_name: LISTENER_APPLICATION_NAME, connectionTimeoutMillis: 10_000 });
    let lost!: () => void;
    const gone = new Promise<void>((resolve) => (lost = resolve));
    client.on("notification", handleNotification);
    client.on("error", (err) => {
      if (!closed) logger.warn({ err }, "live listener lost its connection; reconnecting");
      lost();
    });
    client.on("end", () => lost());
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      await client.query(`listen ${INTERNAL_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (closed) return void (await client.end().catch(() => undefined));
    listener = client;
    onListening();
    void flush();
    await gone;
    if (listener === client) listener = undefined;
    await client.end().catch(() => undefined);
  }

  /** Keeps one listening connection for as long as the bus is open. */
  async function runListener(markFirst: () => void) {
    let failures = 0;
    let everListened = false;
    while (!closed) {
      let listened = false;
      try {
        await listenOnce(() => {
          listened = true;
          failures = 0;
          markFirst();
          // Whatever was sent while this instance was not listening is lost: drop cached state.
          if (everListened) dispatchInternal({ type: "resync" });
          everListened = true;
        });
      } catch (err) {
        failures++;
        markFirst();
        if (!closed && (failures === 1 || failures % 10 === 0)) logger.error({ err, failures }, "live listener could not connect; retrying");
      }
      if (closed) break;
      const base = listened ? reconnect.minDelayMs : Math.min(reconnect.maxDelayMs, reconnect.minDelayMs * 2 ** Math.min(failures, 20));
      // Jitter, so the instances of a restarted database do not all come back at once.
      await sleep(base / 2 + Math.random() * (base / 2));
    }
  }

  function sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  if (url) {
    let markFirst!: () => void;
    firstAttempt = new Promise<void>((resolve) => (markFirst = resolve));
    loop = runListener(markFirst);
  }

  function failQueued(err: unknown) {
    for (const pending of queue.splice(0)) pending.settle(err);
  }

  /** Sends what is queued on the listener's connection, one statement at a time. */
  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      while (queue.length) {
        const client = listener;
        if (!client) return failQueued(new Error("the live listener is not connected"));
        const batch = queue.splice(0, MAX_BATCH);
        // pg_notify with parameters: the payload is data, never SQL. One transaction: the
        // listeners receive them in this order (identical channel + payload pairs would arrive
        // once; every message sent here is either unique or idempotent).
        const calls = batch.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(", ");
        try {
          await client.query(
            `select ${calls}`,
            batch.flatMap((p) => [p.channel, p.payload]),
          );
          for (const p of batch) p.settle();
        } catch (err) {
          for (const p of batch) p.settle(err);
        }
      }
    } finally {
      flushing = false;
    }
  }

  /** NOTIFY through the listener's connection (queued behind any statement in flight). */
  function notifyOnListener(channel: string, payload: string) {
    return new Promise<void>((resolve, reject) => {
      queue.push({ channel, payload, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      void flush();
    });
  }

  /**
   * NOTIFY through the listener's connection, or a short-lived one while it is away (or when it
   * was lost with this message in flight).
   */
  async function notify(channel: string, payload: string) {
    if (listener) return notifyOnListener(channel, payload).catch(() => notifyOnce(channel, payload));
    return notifyOnce(channel, payload);
  }

  async function notifyOnce(channel: string, payload: string) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("select pg_notify($1, $2)", [channel, payload]);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  return {
    publish(workspaceId: string, message: LiveMessage) {
      const envelope: Envelope = { workspaceId, message };
      if (!listener) return dispatch(envelope);
      notifyOnListener(CHANNEL, JSON.stringify(envelope)).catch((err: unknown) => {
        logger.warn({ err }, "live publish failed; delivering in process only");
        dispatch(envelope);
      });
    },
    subscribe(workspaceId: string, fn: (message: LiveMessage) => void) {
      local.on(workspaceId, fn);
      return () => void local.off(workspaceId, fn);
    },
    /**
     * Applied on this instance before it resolves, then sent to every other instance
     * (PostgreSQL). Never throws: a failed send is logged, and the receivers' cache TTL
     * remains the upper bound.
     */
    async broadcast(message: InternalMessage) {
      dispatchInternal(message);
      if (!url) return;
      await notify(INTERNAL_CHANNEL, JSON.stringify(message)).catch((err: unknown) =>
        logger.error({ err, type: message.type }, "could not tell other instances; they catch up when their cache expires"),
      );
    },
    onInternal(fn: (message: InternalMessage) => void) {
      local.on(INTERNAL_EVENT, fn);
      return () => void local.off(INTERNAL_EVENT, fn);
    },
    /** Resolves once this instance listens, or its first attempt failed (PostgreSQL); tests wait for it. */
    ready: () => firstAttempt ?? Promise.resolve(),
    /** Whether the listener is connected now (always true on SQLite: nothing to connect). */
    listening: () => !url || listener !== undefined,
    async close() {
      closed = true;
      wakeRetry?.();
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
      await loop;
      failQueued(new Error("the live bus is closed"));
    },
  };
}

export type RealtimeBus = ReturnType<typeof createRealtimeBus>;
