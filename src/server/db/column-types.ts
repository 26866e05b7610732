import { PostgresAdapter, type Kysely } from "kysely";

/**
 * The few column types where SQLite and PostgreSQL differ. Migrations use these so one
 * migration file has the same effect on both dialects.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations (its callers) see the database untyped, as it was when they ran
export function columnTypes(db: Kysely<any>) {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    isPostgres,
    bool: isPostgres ? "boolean" : "integer",
    /** Our own timestamps: timestamptz, or ISO-8601 UTC text (sorts and compares correctly). */
    timestamp: isPostgres ? "timestamptz" : "text",
    /** Better Auth's schema check expects its own type names ("date" on SQLite). */
    authTimestamp: isPostgres ? "timestamptz" : "date",
    serial: isPostgres ? "serial" : "integer",
    json: isPostgres ? "jsonb" : "text",
  } as const;
}
