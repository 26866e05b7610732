import { CompiledQuery, type Compilable } from "kysely";
import type { Db, RawQuery } from "./db";

/**
 * A query written with Kysely, built and compiled once per database, then run any number of
 * times with new arguments: the hot path (ingest) pays neither Kysely's building nor its
 * compiling per request, and the SQL still exists once, in the query builder.
 *
 * `build` is called once with placeholder arguments, so it must pass its arguments straight
 * through as values: no arithmetic, formatting or branching on them (constants are fine).
 */
export function prepareQuery<A extends unknown[], R>(build: (db: Db, ...args: A) => Compilable<R>) {
  const templates = new WeakMap<Db, { sql: string; slots: (number | { value: unknown })[] }>();

  function template(db: Db) {
    let t = templates.get(db);
    if (!t) {
      const placeholders = Array.from({ length: build.length - 1 }, (_, i) => `\u0000argument ${i}\u0000`);
      const { sql, parameters } = build(db, ...(placeholders as A)).compile();
      const slots = parameters.map((p) => {
        const index = placeholders.indexOf(p as string);
        return index >= 0 ? index : { value: p };
      });
      // An argument the builder transformed (or never bound) cannot be substituted later.
      const lost = placeholders.findIndex((_, i) => !slots.includes(i));
      if (lost >= 0) throw new Error(`prepareQuery: argument ${lost} of ${build.name || "the builder"} is not bound as a plain value`);
      templates.set(db, (t = { sql, slots }));
    }
    return t;
  }

  /** The query with these arguments, for `db`'s dialect. */
  return (db: Db, ...args: A): RawQuery<R> => {
    const { sql, slots } = template(db);
    const parameters = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      parameters[i] = typeof slot === "number" ? args[slot] : slot.value;
    }
    return { sql, parameters };
  };
}

/** Runs a prepared query on `db` (or a transaction of it) through Kysely's driver. */
export async function executePrepared<R>(db: Db, query: RawQuery<R>): Promise<R[]> {
  return (await db.executeQuery<R>(CompiledQuery.raw(query.sql, query.parameters as unknown[]))).rows;
}
