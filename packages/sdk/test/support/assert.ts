/** Assertions with nothing but the language: the SDK cases also run inside the edge VM, where neither vitest nor node:assert is. */

export class AssertionError extends Error {
  override name = "AssertionError";
}

const show = (value: unknown) => {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
};

export function ok(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function equal<T>(actual: T, expected: T, message = "") {
  if (!Object.is(actual, expected)) throw new AssertionError(`${message ? `${message}: ` : ""}expected ${show(expected)}, got ${show(actual)}`);
}

/** JSON with object keys sorted: key order is not compared (PostgreSQL's jsonb, for one, does not keep it). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

export function deepEqual(actual: unknown, expected: unknown, message = "") {
  if (canonical(actual) !== canonical(expected)) throw new AssertionError(`${message ? `${message}: ` : ""}expected ${show(expected)}, got ${show(actual)}`);
}

export function between(actual: number, min: number, max: number, message: string) {
  if (!(actual >= min && actual <= max)) throw new AssertionError(`${message}: expected ${min}–${max}, got ${actual}`);
}

/** The rejection of `promise`, which must reject. */
export async function rejection(promise: Promise<unknown>, message: string): Promise<unknown> {
  try {
    const value = await promise;
    throw new AssertionError(`${message}: expected a rejection, got ${show(value)}`);
  } catch (error) {
    if (error instanceof AssertionError) throw error;
    return error;
  }
}
