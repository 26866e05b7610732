/**
 * The shared core of the provider fakes: a node:http server on 127.0.0.1 that records every
 * request, answers scripted failures first, and otherwise hands the request to the provider's
 * own handler, which validates it the way the real API does.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeRequest = {
  method: string;
  /** Path without the query string, e.g. "/api/v10/channels/123/messages". */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** JSON or form bodies parsed, anything else as text; `undefined` when JSON failed to parse. */
  body: unknown;
  /** What the fake answered. */
  status: number;
  response: unknown;
};

export type FakeReply = { status: number; body?: unknown; headers?: Record<string, string> };

/** One scripted answer: `retryAfter` in seconds for 429s; `body` replaces the provider's usual error body. */
export type ScriptedFailure = { status: number; retryAfter?: number; body?: unknown; headers?: Record<string, string> };

export type FakeControls = {
  /** Answers the next requests with these failures, in order, whatever they are. */
  failNext(failures: ScriptedFailure[]): void;
  /** Answers every request with this until `clearFailures()`. */
  setPermanentFailure(status: number, body?: unknown): void;
  clearFailures(): void;
  /** Back to the start: forgets recorded requests, scripted failures and the fake's own state (blocked chats, …). */
  reset(): void;
  /** Called after each answered request (dev-fakes prints them); returns an unsubscribe. */
  onRequest(listener: (request: FakeRequest) => void): () => void;
  close(): Promise<void>;
};

export type FakeServer<R extends FakeRequest = FakeRequest> = FakeControls & { url: string; port: number; received: R[] };

export async function startFakeServer<R extends FakeRequest = FakeRequest>(opts: {
  port?: number;
  /** The provider's own answer to a request it accepts or refuses on its merits. */
  handle: (request: R) => FakeReply | Promise<FakeReply>;
  /** How the provider words a scripted failure (e.g. Discord's 429 body and rate-limit headers). */
  failure: (failure: ScriptedFailure, request: R) => FakeReply;
}): Promise<FakeServer<R>> {
  const received: R[] = [];
  let scripted: ScriptedFailure[] = [];
  let permanent: ScriptedFailure | undefined;
  const listeners = new Set<(request: FakeRequest) => void>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://fake.local");
        const rawBody = Buffer.concat(chunks).toString("utf8");
        const request = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          rawBody,
          body: parseBody(req.headers["content-type"], rawBody),
          status: 0,
          response: undefined,
        } as R;
        received.push(request);
        let reply: FakeReply;
        try {
          const failure = scripted.shift() ?? permanent;
          reply = failure ? opts.failure(failure, request) : await opts.handle(request);
        } catch (err) {
          reply = { status: 500, body: { message: `fake crashed: ${String(err)}` } };
        }
        request.status = reply.status;
        request.response = reply.body;
        const isText = typeof reply.body === "string";
        const payload = reply.body === undefined ? "" : isText ? (reply.body as string) : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          ...(reply.body === undefined ? {} : { "content-type": isText ? "text/plain; charset=utf-8" : "application/json" }),
          ...reply.headers,
        });
        res.end(payload);
        for (const listener of listeners) listener(request);
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    failNext(failures) {
      scripted.push(...failures);
    },
    setPermanentFailure(status, body) {
      permanent = { status, body };
    },
    clearFailures() {
      scripted = [];
      permanent = undefined;
    },
    reset() {
      received.length = 0;
      scripted = [];
      permanent = undefined;
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      // fetch keeps connections alive; without this close() would wait for them to time out.
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseBody(contentType: string | undefined, raw: string): unknown {
  if (!raw) return undefined;
  if (contentType?.includes("application/json")) {
    try {
      return JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  if (contentType?.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  return raw;
}

/** Headers of a 429 when the failure says when to come back. */
export const retryAfterHeader = (failure: ScriptedFailure): Record<string, string> => (failure.retryAfter === undefined ? {} : { "retry-after": String(Math.ceil(failure.retryAfter)) });

/** Counts what the providers count: Unicode code points. */
export const codePoints = (text: string) => [...text].length;
