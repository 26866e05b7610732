/**
 * One PingPilot web instance as a process of its own, for tests that run several against one
 * database: src/main.ts's API side (validated env → services → migrations → the Hono app on
 * node:http), without Next.js, which answers none of the API paths and would take most of the
 * start-up. Listens on a free port of 127.0.0.1 and prints `listening <port>` once it accepts
 * connections; SIGTERM drains and exits.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { envOrExit } from "@/env";
import { migrateToLatest } from "@/server/db/migrate";
import { createApp } from "@/server/http/app";
import { closeServices, createServices, registerServices } from "@/server/services";

const env = envOrExit();
const s = createServices(env);
registerServices(s);
await migrateToLatest(s.db);
await s.realtime.ready();
const server = createServer(getRequestListener(createApp(s).fetch));
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));

process.on("SIGTERM", () => {
  server.closeIdleConnections();
  server.close(() => void closeServices(s).then(() => process.exit(0)));
});
