import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "@/server/errors";
import { decodeUtf8, readBodyBytes, requestHeader } from "../../read-body";
import { MAX_BODY_BYTES, protoKeyPath } from "./schemas";

/** Reading the public API's requests: JSON bodies and validation errors, the same on every route. */

/** `fields.amount: …` for the first problem, every problem in details. */
export function validationError(error: z.ZodError) {
  const details = error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
  const first = details[0]!;
  return new AppError("VALIDATION_FAILED", first.field === "(body)" ? first.message : `${first.field}: ${first.message}`, details);
}

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** A `__proto__` key anywhere in the value is refused by name (see protoKeyPath). */
export function refuseProtoKeys(value: unknown) {
  const path = protoKeyPath(value);
  if (!path) return;
  throw new AppError("VALIDATION_FAILED", `${path}: "__proto__" cannot be used as a name.`, [{ field: path, message: '"__proto__" cannot be used as a name.' }]);
}

/** application/json, optionally with parameters; not application/json-patch+json or -seq. */
export function requireJsonContentType(c: Context) {
  const type = requestHeader(c, "content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError("BAD_REQUEST", `Send the body as JSON with Content-Type: application/json (got ${type ? `"${type.slice(0, 60)}"` : "none"}).`);
  }
}

/**
 * A JSON body (read no further than `maxBytes`, or the bytes the body limit read already),
 * parsed with a clear 400. `__proto__` keys are refused here unless `checkProto` is false
 * (a caller that checks parts of the body on its own).
 */
export async function readJsonBody(c: Context, opts: { maxBytes?: number; read?: Buffer; checkProto?: boolean } = {}) {
  requireJsonContentType(c);
  const text = decodeUtf8(opts.read ?? (await readBodyBytes(c, opts.maxBytes ?? MAX_BODY_BYTES)));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON.");
  }
  // A body without "__proto__" (or any \u escape that could spell it) cannot hold such a key: no walk needed.
  if (opts.checkProto !== false && (text.includes("__proto__") || text.includes("\\u"))) refuseProtoKeys(body);
  return body;
}
