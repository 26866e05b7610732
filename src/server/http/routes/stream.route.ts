import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { SessionInfo } from "@/server/auth/session";
import type { Services } from "@/server/services";
import { sendError } from "../error-envelope";

type Vars = { Variables: { session: SessionInfo | null } };

const KEEPALIVE_MS = 25_000;

/**
 * Open live-update streams one user may hold on one instance. Each is a socket, a timer and
 * a subscription held for as long as the client likes; 10 covers a user's dashboard tabs
 * (browsers open at most 6 per host over HTTP/1.1) while one account cannot exhaust them.
 */
export const MAX_STREAMS_PER_USER = 10;

/**
 * Messages one stream may hold for a client that is not reading. Past that the stream is closed
 * and the queue dropped: the browser reconnects, and on "ready" the page refetches what it shows,
 * so nothing is lost but memory stays bounded however slow a client is.
 */
export const MAX_QUEUED_MESSAGES = 256;

/**
 * GET /api/stream: server-sent events for the workspace the signed-in member views (new events,
 * delivery status changes), named by `?workspace=<slug>` (EventSource sends no headers). Behind the session guard like every /api route; the browser's EventSource
 * reconnects by itself.
 */
export function streamRoutes(s: Services) {
  const openStreams = new Map<string, number>();

  return new Hono<Vars>().get("/", (c) => {
    const { user, workspace } = c.get("session")!;
    const userId = user.id;
    const open = openStreams.get(userId) ?? 0;
    if (open >= MAX_STREAMS_PER_USER) {
      c.header("Retry-After", "30");
      return sendError(c, 429, "RATE_LIMITED", `Too many live-update streams are open for this account (at most ${MAX_STREAMS_PER_USER}). Close some dashboard tabs and reload.`, {
        limit: MAX_STREAMS_PER_USER,
      });
    }
    openStreams.set(userId, open + 1);
    s.metrics.streamOpened();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      s.metrics.streamClosed();
      const left = (openStreams.get(userId) ?? 1) - 1;
      if (left > 0) openStreams.set(userId, left);
      else openStreams.delete(userId);
    };

    return streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = s.realtime.subscribe(workspace.id, (message) => {
        // Removed from the workspace (or left it): this stream ends; a reconnect opens one they belong to.
        if (message.type === "member.removed" && message.userId === userId) return void stream.abort();
        if (queue.length >= MAX_QUEUED_MESSAGES) {
          queue.length = 0;
          stream.abort();
        } else queue.push(JSON.stringify(message));
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        release();
        wake?.();
      });
      // The client going away aborts the request (node server) even before a write fails.
      const signal = c.req.raw.signal;
      if (signal.aborted) stream.abort();
      else signal.addEventListener("abort", () => stream.abort(), { once: true });
      try {
        await stream.writeSSE({ event: "ready", data: "{}" });
        while (!stream.aborted) {
          while (queue.length) await stream.writeSSE({ event: "message", data: queue.shift()! });
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, KEEPALIVE_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
            if (stream.aborted) wake();
          });
          wake = undefined;
          if (!queue.length && !stream.aborted) await stream.write(": keep-alive\n\n");
        }
      } finally {
        unsubscribe();
        release();
      }
    });
  });
}
