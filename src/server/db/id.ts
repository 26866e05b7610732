import { randomFillSync } from "node:crypto";
import { v7 } from "uuid";

/**
 * UUIDv7: time-ordered, so ordering by id is ordering by creation (cursor pagination).
 *
 * Randomness is drawn from a pooled buffer: with Next.js in the process, every
 * `crypto.getRandomValues` call (what `v7()` does per id) goes through Next's instrumentation,
 * which cost ~4 % of the ingest path. The counter keeps ids monotonic within a millisecond,
 * as `v7()` does on its own.
 */
const pool = Buffer.alloc(16 * 256);
let offset = pool.length;
let lastMs = -Infinity;
let seq = 0;

function random16() {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += 16;
  return pool.subarray(offset - 16, offset);
}

export function newId() {
  const random = random16();
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs++;
  }
  return v7({ msecs: lastMs, seq, random });
}
