import { Migrator } from "kysely";
import type { Db } from "./db";
import { migrations } from "./migrations";

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db) {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${String(error)}`, { cause: error });
  return results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
}
