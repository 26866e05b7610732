import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { SessionInfo } from "@/server/auth/session";
import type { Services } from "@/server/services";

type Vars = { Variables: { session: SessionInfo | null } };

const KEEPALIVE_MS = 25_000;

/**
 * GET /api/stream: server-sent events for the signed-in user (new events, delivery status
 * changes). Behind the session guard like every /api route; the browser's EventSource
 * reconnects by itself.
 */
export function streamRoutes(s: Services) {
  return new Hono<Vars>().get("/", (c) => {
    const userId = c.get("session")!.user.id;
    return streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = s.realtime.subscribe(userId, (message) => {
        queue.push(JSON.stringify(message));
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: "ready", data: "{}" });
      while (!stream.aborted) {
        while (queue.length) await stream.writeSSE({ event: "message", data: queue.shift()! });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, KEEPALIVE_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        if (!queue.length && !stream.aborted) await stream.write(": keep-alive\n\n");
      }
      unsubscribe();
    });
  });
}
