import { Hono } from "hono";
import type { Services } from "@/server/services";
import { sendError } from "../error-envelope";
import { apiKeyAuth } from "../middleware/api-key-auth";

/** The public API: an API key, never a session; never redirected. */
export function v1Routes(s: Services) {
  const app = new Hono();
  app.use("*", apiKeyAuth(s));
  app.all("*", (c) => sendError(c, 404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`));
  return app;
}
