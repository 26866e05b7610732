import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { migrateToLatest } from "@/server/db/migrate";
import { createApp } from "@/server/http/app";
import type { Logger } from "@/server/log/logger";
import { closeServices, createServices, type Services } from "@/server/services";
import { createTestDatabase } from "./test-database";
import { testEnv } from "./test-app";

export type RealServer = { url: string; services: Services; close(): Promise<void> };

/**
 * PingPilot's API side as src/main.ts serves it (node:http + @hono/node-server, the real
 * mailer, so without SMTP_URL the dev mailbox) on 127.0.0.1, on a fresh database. Next.js
 * is left out: it answers none of the Hono paths.
 */
export async function startRealServer(opts: { env?: Record<string, string>; logger?: Logger } = {}): Promise<RealServer> {
  const database = await createTestDatabase();
  const env = testEnv(database, opts.env);
  const services = createServices(env, opts.logger ? { logger: opts.logger } : {});
  await migrateToLatest(services.db);
  const server = createServer(getRequestListener(createApp(services).fetch));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeServices(services);
      await database.drop();
    },
  };
}
