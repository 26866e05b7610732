import SQLite from "better-sqlite3";
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, type Compilable } from "kysely";
import pg from "pg";
import type { Env } from "@/env";
import type { Database } from "./types";

export type Db = Kysely<Database>;

export function createDb(config: Env["database"], onIdleClientError: (err: Error) => void = () => {}): Db {
  if (config.dialect === "postgres") {
    // timestamptz/int8 parsing stays pg's default: Date and string.
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolMax });
    // An idle pooled connection can be cut by the server (restart, admin termination); without a
    // listener pg would crash the process. The pool replaces the connection on next use.
    pool.on("error", onIdleClientError);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pgPools.set(db, pool);
    return db;
  }
  const sqlite = new SQLite(config.file);
  // WAL lets readers (dashboard) run while the single writer commits events.
  sqlite.pragma("journal_mode = WAL");
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  sqlite.pragma("synchronous = NORMAL");
  // Several connections (server + Next bundle + worker process) share the file: wait instead of SQLITE_BUSY.
  sqlite.pragma("busy_timeout = 5000");
  // SQLite ignores REFERENCES … ON DELETE CASCADE without this.
  sqlite.pragma("foreign_keys = ON");
  const cached = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
  sqliteHandles.set(db, { raw: sqlite, prepare: cached.prepare });
  return db;
}

const pgPools = new WeakMap<Db, pg.Pool>();

/** PostgreSQL only (undefined on SQLite): the pool's connections right now, for the metrics. */
export function poolStats(db: Db) {
  const pool = pgPools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 };
}

const sqliteHandles = new WeakMap<Db, { raw: SQLite.Database; prepare: (sql: string) => SQLite.Statement }>();

/** SQL text and its parameters, compiled already (see db/prepared.ts). */
export type RawQuery<R = unknown> = { readonly sql: string; readonly parameters: readonly unknown[]; readonly __row?: R };

export type SyncRun = <R>(query: Compilable<R> | RawQuery<R>) => R[];

/**
 * SQLite only (undefined elsewhere): runs `work` as one synchronous SQLite transaction while
 * holding Kysely's single connection, so no other query interleaves. The queries are still
 * built with Kysely (same SQL as the async path); only the awaits between statements go.
 * Measured on the ingest path: bench/ingest.ts.
 */
export function syncSqliteTransaction(db: Db) {
  const handle = sqliteHandles.get(db);
  if (!handle) return undefined;
  const run: SyncRun = (query) => {
    const { sql, parameters } = "compile" in query ? query.compile() : query;
    const statement = handle.prepare(sql);
    if (statement.reader) return statement.all(parameters as unknown[]) as never[];
    statement.run(parameters as unknown[]);
    return [];
  };
  return <T>(work: (run: SyncRun) => T): Promise<T> => db.connection().execute(async () => handle.raw.transaction(() => work(run))());
}

/**
 * Kysely prepares every query anew; preparing costs more than running the small statements
 * of the ingest path. Reusing prepared statements by SQL text (bounded) is safe here because
 * better-sqlite3 runs each one to completion synchronously (no streaming queries).
 */
function withStatementCache(sqlite: SQLite.Database, max = 500) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size < max) statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Timestamps are written as ISO-8601 UTC strings (from the services' clock): sortable text on
 * SQLite, parsed into timestamptz on PostgreSQL. Read side: pg returns Date, SQLite the string.
 */
export const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** Where the dialects differ, queries ask this (and say so). */
export const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;
