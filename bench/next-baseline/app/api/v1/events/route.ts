/**
 * Baseline (c): PingPilot's own Hono app, the same handler, answered from inside a Next.js
 * route handler instead of PingPilot's server.
 */
import { createApp } from "@/server/http/app";
import { services } from "@/server/services";

const app = createApp(services());
export const POST = (request: Request) => app.fetch(request);
export const dynamic = "force-dynamic";
