import { env } from "@/env";
import { createDb } from "./db";
import { migrateToLatest } from "./migrate";

const db = createDb(env().database);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
} finally {
  await db.destroy();
}
