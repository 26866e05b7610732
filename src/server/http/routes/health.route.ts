import { Hono } from "hono";
import { sql } from "kysely";
import type { Services } from "@/server/services";

/** Liveness plus a database round trip; 503 when the database does not answer. */
export function healthRoutes(s: Services) {
  return new Hono().get("/", async (c) => {
    const started = performance.now();
    try {
      await sql`select 1`.execute(s.db);
      return c.json({ status: "ok", database: { dialect: s.env.database.dialect, ok: true, latencyMs: Math.round(performance.now() - started) } });
    } catch (err) {
      s.logger.error({ err }, "health check: database unreachable");
      return c.json({ status: "error", database: { dialect: s.env.database.dialect, ok: false } }, 503);
    }
  });
}
