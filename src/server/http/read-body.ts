import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { AppError } from "@/server/errors";

/**
 * Reads a request body as UTF-8 text, never holding more than `maxBytes`: a declared
 * Content-Length over the limit is refused before reading, a streamed body as soon as it
 * crosses it. Under the Node server it reads the socket stream directly (no WHATWG Request
 * is built on the hot path); elsewhere (tests, other runtimes) the Request body stream.
 */
export async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `The body is larger than ${Math.round(maxBytes / 1024)} KB.`);
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();

  const chunks: Uint8Array[] = [];
  let size = 0;
  const take = (chunk: Uint8Array) => {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  };

  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
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
  return Buffer.concat(chunks).toString("utf8");
}
