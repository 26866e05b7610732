import type { Db } from "@/server/db/db";
import { storeEvents, type EventWrite, type StoreEventResult } from "./event.queries";

/**
 * Group commit for the ingest path: the events submitted while the event loop handles one
 * round of I/O (every request read in that round) are written in one transaction, so they
 * share one BEGIN/COMMIT (on PostgreSQL one WAL flush) instead of paying one each. Each
 * submission resolves with its own event's outcome once that transaction has committed, so a
 * request is still answered only after its event is durably stored.
 *
 * One transaction at a time per database: events that arrive while it runs wait for the next
 * one, which takes them all (up to MAX_GROUP).
 */
export type GroupCommit = { submit(write: EventWrite): Promise<StoreEventResult> };

/** Bounds the time one SQLite transaction holds the event loop (tens of microseconds per event). */
const MAX_GROUP = 256;

type Pending = { write: EventWrite; resolve: (r: StoreEventResult) => void; reject: (e: Error) => void };

export function createGroupCommit(db: Db, opts: { maxGroup?: number; store?: typeof storeEvents } = {}): GroupCommit {
  const maxGroup = opts.maxGroup ?? MAX_GROUP;
  const store = opts.store ?? storeEvents;
  let queue: Pending[] = [];
  let busy = false;

  // After the current round of I/O callbacks, so every request read in it has joined.
  const schedule = () => {
    busy = true;
    setImmediate(flush);
  };

  async function flush() {
    const group = queue.length <= maxGroup ? queue : queue.slice(0, maxGroup);
    queue = queue.length <= maxGroup ? [] : queue.slice(maxGroup);
    try {
      const results = await store(
        db,
        group.map((p) => p.write),
      );
      for (let i = 0; i < group.length; i++) {
        const r = results[i]!;
        if (r instanceof Error) group[i]!.reject(r);
        else group[i]!.resolve(r);
      }
    } catch (error) {
      for (const p of group) p.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      if (queue.length) schedule();
      else busy = false;
    }
  }

  return {
    submit(write) {
      return new Promise<StoreEventResult>((resolve, reject) => {
        queue.push({ write, resolve, reject });
        if (!busy) schedule();
      });
    },
  };
}

const groups = new WeakMap<Db, GroupCommit>();

/** The database's group commit (one per database, made on first use). */
export function groupCommitFor(db: Db): GroupCommit {
  let group = groups.get(db);
  if (!group) groups.set(db, (group = createGroupCommit(db)));
  return group;
}
