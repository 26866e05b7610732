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
export type InternalMessage = { type: "api-key.evict"; keyId: string } | { type: "api-key.evict-account"; authUserId: string } | { type: "resync" };

type Envelope = { userId: string; message: LiveMessage };

const CHANNEL = "pingpilot_live";
const INTERNAL_CHANNEL = "pingpilot_internal";
const INTERNAL_EVENT = Symbol("internal");

/**
 * Per-user live messages. In process on SQLite (one process serves and delivers); on
 * PostgreSQL every publish goes through NOTIFY and every instance LISTENs, so a worker or a
 * web instance anywhere reaches the browsers connected to any instance.
 */
export function createRealtimeBus(env: Env, logger: Logger) {
  const local = new EventEmitter().setMaxListeners(0);
  const dispatch = (e: Envelope) => local.emit(e.userId, e.message);
  const dispatchInternal = (m: InternalMessage) => local.emit(INTERNAL_EVENT, m);

  let notifyClient: pg.Client | undefined;
  let listening: Promise<void> | undefined;
  let closed = false;
  const url = env.database.dialect === "postgres" ? env.database.url : undefined;
  if (url) {
    let lostConnection = false;
    const listen = async () => {
      if (closed) return;
      const client = new pg.Client({ connectionString: url });
      client.on("notification", (n) => {
        if (!n.payload) return;
        try {
          if (n.channel === CHANNEL) dispatch(JSON.parse(n.payload) as Envelope);
          else if (n.channel === INTERNAL_CHANNEL) dispatchInternal(JSON.parse(n.payload) as InternalMessage);
        } catch (err) {
          logger.warn({ err }, "bad live message");
        }
      });
      client.on("error", (err) => {
        if (closed) return;
        logger.warn({ err }, "live listener lost its connection; reconnecting");
        notifyClient = undefined;
        lostConnection = true;
        setTimeout(() => void (listening = listen().catch(() => undefined)), 1000);
      });
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      await client.query(`listen ${INTERNAL_CHANNEL}`);
      notifyClient = client;
      if (lostConnection) {
        lostConnection = false;
        dispatchInternal({ type: "resync" });
      }
    };
    listening = listen().catch((err: unknown) => logger.error({ err }, "live listener could not start"));
  }

  /** NOTIFY through the listener's connection, or a short-lived one while it is away. */
  async function notify(channel: string, payload: string) {
    // pg_notify with parameters: the payload is data, never SQL.
    if (notifyClient) return void (await notifyClient.query("select pg_notify($1, $2)", [channel, payload]));
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("select pg_notify($1, $2)", [channel, payload]);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  return {
    publish(userId: string, message: LiveMessage) {
      const envelope: Envelope = { userId, message };
      if (!notifyClient) return dispatch(envelope);
      notifyClient.query("select pg_notify($1, $2)", [CHANNEL, JSON.stringify(envelope)]).catch((err: unknown) => {
        logger.warn({ err }, "live publish failed; delivering in process only");
        dispatch(envelope);
      });
    },
    subscribe(userId: string, fn: (message: LiveMessage) => void) {
      local.on(userId, fn);
      return () => void local.off(userId, fn);
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
    /** Resolves once this instance listens (PostgreSQL); tests wait for it. */
    ready: () => listening ?? Promise.resolve(),
    async close() {
      closed = true;
      await listening;
      await notifyClient?.end().catch(() => undefined);
    },
  };
}

export type RealtimeBus = ReturnType<typeof createRealtimeBus>;
