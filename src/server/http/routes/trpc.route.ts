import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import type { SessionInfo } from "@/server/auth/session";
import type { Services } from "@/server/services";
import { TRPC_MAX_BATCH_SIZE } from "@/shared/trpc-limits";
import { appRouter } from "@/server/trpc/root";

type Vars = { Variables: { session: SessionInfo | null; clientIp: string } };

/** tRPC over the session cookie (never an API key). The session middleware ran before this. */
export function trpcRoutes(s: Services) {
  const app = new Hono<Vars>();
  app.all("/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      // A larger batch is refused with 400 before any of its calls runs.
      maxBatchSize: TRPC_MAX_BATCH_SIZE,
      createContext: () => ({ services: s, session: c.get("session"), clientIp: c.get("clientIp") }),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") s.logger.error({ err: error.cause ?? error, path }, "tRPC procedure failed");
      },
    }),
  );
  return app;
}
