/** npm run db:seed-demo — a demo account (demo@pingpilot.local) with 1,000,000 events over 10 categories and 90 days. */
import { envOrExit } from "@/env";
import { migrateToLatest } from "@/server/db/migrate";
import { closeServices, createServices } from "@/server/services";
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from "./seed-demo";

const s = createServices(envOrExit());
await migrateToLatest(s.db);
await seedDemo(s, { total: Number(process.env.DEMO_EVENTS ?? 1_000_000), days: 90, log: (l) => console.log(l) });
console.log(`sign in as ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
await closeServices(s);
