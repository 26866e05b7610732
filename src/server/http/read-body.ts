import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "@/server/errors";
import { sendError } from "./error-envelope";

const kb = (bytes: number) => (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${Math.round(bytes / 1024)} KB`);
const tooLargeMessage = (maxBytes: number) => `The body is larger than ${kb(maxBytes)}.`;
const tooLarge = (maxBytes: number) => new AppError("PAYLOAD_TOO_LARGE", tooLargeMessage(maxBytes));

/**
 * A request header, from the Node request's own header object when there is one: asking the
 * Hono request instead builds a WHATWG Headers copy of every header, which the ingest hot path
 * cannot afford. Names are lowercase.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const headers = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.headers;
  if (!headers) return c.req.header(name);
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The Node request behind a Hono context, when the body has not been read through the Request yet. */
function unreadIncoming(c: Context) {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  // Once the body limit (or anything else) consumed it into a Request, read that Request instead.
  return incoming && !incoming.readableDidRead ? incoming : undefined;
}

/**
 * Reads a request body as UTF-8 text, never holding more than `maxBytes`: a declared
 * Content-Length over the limit is refused before reading, a streamed body as soon as it
 * crosses it. Under the Node server it reads the socket stream directly (no WHATWG Request
 * is built on the hot path); elsewhere (tests, other runtimes) the Request body stream.
 */
export async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  return decodeUtf8(await readBodyBytes(c, maxBytes));
}

/** The body's bytes, under the same limit as readBodyText. */
export async function readBodyBytes(c: Context, maxBytes: number): Promise<Buffer> {
  const declared = Number(requestHeader(c, "content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  const chunks: Uint8Array[] = [];
  let size = 0;
  const take = (chunk: Uint8Array) => {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  };

  const incoming = unreadIncoming(c);
  if (incoming) {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        incoming.off("data", onData);
        incoming.resume(); // discard the rest without buffering it
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        try {
          take(chunk);
        } catch (error) {
          fail(error);
        }
      };
      incoming.on("data", onData);
      incoming.once("end", resolve);
      incoming.once("error", fail);
    });
  } else if (c.req.raw.body) {
    const reader = c.req.raw.body.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) take(r.value);
    } finally {
      reader.releaseLock();
    }
  }
  return Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes that are not UTF-8 are refused, never turned into U+FFFD. */
export function decodeUtf8(bytes: Uint8Array) {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid UTF-8 text.");
  }
}

/** 413 in the JSON envelope; the connection closes so the rest of the body is never read. */
function refuse(c: Context, maxBytes: number) {
  c.header("Connection", "close");
  return sendError(c, 413, "PAYLOAD_TOO_LARGE", tooLargeMessage(maxBytes));
}

/**
 * The body limit's rule as bodyLimit applies it, for a route that answers without the
 * middleware (the ingest hot path): "refuse" (413 with Connection: close) for a declared
 * length over the limit; for a chunked body, its reading (under the limit), which must come
 * first; otherwise nothing (the body is read later, after the checks that come first).
 */
export function checkBodyLimit(c: Context, maxBytes: number): { refuse: string } | { read?: Promise<Buffer> } {
  const length = requestHeader(c, "content-length");
  const chunked = requestHeader(c, "transfer-encoding") !== undefined;
  if (length !== undefined && !chunked) {
    const declared = Number(length);
    return !Number.isFinite(declared) || declared > maxBytes ? { refuse: tooLargeMessage(maxBytes) } : {};
  }
  return chunked ? { read: readBodyBytes(c, maxBytes) } : {};
}

/** The message of a body over the limit, or undefined for any other error. */
export const tooLargeRefusal = (error: unknown) => (error instanceof AppError && error.code === "PAYLOAD_TOO_LARGE" ? error.message : undefined);

/**
 * The body limit of every Hono route, run before anything reads or clones the body.
 * `limitFor` gives the limit of a path. A declared Content-Length is checked from the
 * header alone (Node's parser never delivers more than it declares), which keeps the
 * API's hot path free of copies. A body of unknown length (Transfer-Encoding: chunked) is
 * read here, counting, up to the limit: over it the request is refused at once; under it
 * the bytes are handed on as the request body (bounded by the limit, so at most that much
 * is held). GET and HEAD bodies are never read by any route and are left to Node, which
 * discards them.
 */
export function bodyLimit(limitFor: (path: string) => number): MiddlewareHandler {
  return async (c, next) => {
    const maxBytes = limitFor(c.req.path);
    const length = requestHeader(c, "content-length");
    const chunked = requestHeader(c, "transfer-encoding") !== undefined;
    if (length !== undefined && !chunked) {
      const declared = Number(length);
      if (!Number.isFinite(declared) || declared > maxBytes) return refuse(c, maxBytes);
      return next();
    }
    if (!chunked || c.req.method === "GET" || c.req.method === "HEAD" || !c.req.raw.body) return next();

    const reader = c.req.raw.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        size += r.value.byteLength;
        if (size > maxBytes) return refuse(c, maxBytes);
        chunks.push(r.value);
      }
    } finally {
      reader.releaseLock();
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
    return next();
  };
}
