import { EventEmitter } from "node:events";
import pg from "pg";
import type { Env } from "@/env";
import type { Logger } from "@/server/log/logger";

/** What the dashboard hears about, live. Small on purpose: the page refetches what it shows. */
export type LiveMessage =
  | { type: "event.created"; eventId: string; category: string; createdAt: string }
  | { type: "delivery.updated"; eventId: string; channel: string; status: string; eventStatus: string };

type Envelope = { userId: string; message: LiveMessage };

const CHANNEL = "pingpilot_live";

/**
 * Per-user live messages. In process on SQLite (one process serves and delivers); on
 * PostgreSQL every publish goes through NOTIFY and every instance LISTENs, so a worker or a
 * web instance anywhere reaches the browsers connected to any instance.
 */
export function createRealtimeBus(env: Env, logger: Logger) {
  const local = new EventEmitter().setMaxListeners(0);
  const dispatch = (e: Envelope) => local.emit(e.userId, e.message);

  let notifyClient: pg.Client | undefined;
  let listening: Promise<void> | undefined;
  if (env.database.dialect === "postgres") {
    const url = env.database.url;
    const listen = async () => {
      const client = new pg.Client({ connectionString: url });
      client.on("notification", (n) => {
        if (n.channel !== CHANNEL || !n.payload) return;
        try {
          dispatch(JSON.parse(n.payload) as Envelope);
        } catch (err) {
          logger.warn({ err }, "bad live message");
        }
      });
      client.on("error", (err) => {
        logger.warn({ err }, "live listener lost its connection; reconnecting");
        notifyClient = undefined;
        setTimeout(() => void (listening = listen().catch(() => undefined)), 1000);
      });
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      notifyClient = client;
    };
    listening = listen().catch((err: unknown) => logger.error({ err }, "live listener could not start"));
  }

  return {
    publish(userId: string, message: LiveMessage) {
      const envelope: Envelope = { userId, message };
      if (!notifyClient) return dispatch(envelope);
      // pg_notify with a parameter: the payload is data, never SQL.
      notifyClient.query("select pg_notify($1, $2)", [CHANNEL, JSON.stringify(envelope)]).catch((err: unknown) => {
        logger.warn({ err }, "live publish failed; delivering in process only");
        dispatch(envelope);
      });
    },
    subscribe(userId: string, fn: (message: LiveMessage) => void) {
      local.on(userId, fn);
      return () => void local.off(userId, fn);
    },
    /** Resolves once this instance listens (PostgreSQL); tests wait for it. */
    ready: () => listening ?? Promise.resolve(),
    async close() {
      await listening;
      await notifyClient?.end().catch(() => undefined);
    },
  };
}

export type RealtimeBus = ReturnType<typeof createRealtimeBus>;
