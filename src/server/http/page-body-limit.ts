import type { IncomingMessage, ServerResponse } from "node:http";
import { errorBody } from "./error-envelope";

/** Next.js server actions accept 1 MB by default; pages themselves are GETs. */
export const PAGE_BODY_LIMIT = 1024 * 1024;

function refuse(res: ServerResponse, maxBytes: number) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(errorBody("PAYLOAD_TOO_LARGE", `The body is larger than ${Math.round(maxBytes / 1024)} KB.`));
  res.writeHead(413, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close" });
  // Closing the connection after the answer stops reading the rest of the body.
  res.end(body, () => res.socket?.destroy());
}

/**
 * Bounds the body of a request handed to Next.js, which would otherwise read as much as it
 * is sent. A declared Content-Length over the limit is refused before Next.js sees the
 * request (returns false: do not hand it on). A body of unknown length is counted as Node's
 * HTTP parser delivers it (every chunk goes through the request's `push`); past the limit
 * nothing more is delivered, the parser stops reading the socket, and a 413 is written
 * (unless Next.js already answered) before the connection closes.
 */
export function limitPageBody(req: IncomingMessage, res: ServerResponse, maxBytes = PAGE_BODY_LIMIT): boolean {
  const length = req.headers["content-length"];
  const chunked = req.headers["transfer-encoding"] !== undefined;
  if (length !== undefined && !chunked) {
    const declared = Number(length);
    if (Number.isFinite(declared) && declared <= maxBytes) return true;
    refuse(res, maxBytes);
    return false;
  }
  if (!chunked) return true;

  let seen = 0;
  let refused = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (refused) return false;
    if (chunk !== null && chunk !== undefined) {
      seen += (chunk as Uint8Array).byteLength ?? String(chunk).length;
      if (seen > maxBytes) {
        refused = true;
        refuse(res, maxBytes);
        return false;
      }
    }
    return push(chunk, encoding);
  };
  return true;
}
