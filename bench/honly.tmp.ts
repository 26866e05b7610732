import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { env } from "@/env";
import { createApp } from "@/server/http/app";
import { createServices } from "@/server/services";
const s = createServices(env());
createServer(getRequestListener(createApp(s).fetch)).listen(env().PORT);
