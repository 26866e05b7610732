import SQLite from "better-sqlite3";
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Env } from "@/env";
import type { Database } from "./types";

export type Db = Kysely<Database>;
export type Dialect = Env["database"]["dialect"];

export function createDb(config: Env["database"], onIdleClientError: (err: Error) => void = () => {}): Db {
  if (config.dialect === "postgres") {
    // timestamptz/int8 parsing stays pg's default: Date and string.
    const pool = new pg.Pool({ connectionString: config.url, max: 10 });
    // An idle pooled connection can be cut by the server (restart, admin termination); without a
    // listener pg would crash the process. The pool replaces the connection on next use.
    pool.on("error", onIdleClientError);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Timestamps are written as ISO-8601 UTC strings: sortable text on SQLite, parsed into timestamptz on PostgreSQL. */
export const isoNow = () => new Date().toISOString();
export const toIso = (d: Date) => d.toISOString();
/** Read side: pg returns Date, SQLite returns the stored string. */
export const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** Where the dialects differ, queries ask this (and say so). */
export const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;
