import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The test servers the SDK's failure cases run against, on 127.0.0.1:
 * - a proxy in front of the real PingPilot that forwards each request, but the FIRST time it
 *   sees a given request (method, path and body) it drops the connection once the server has
 *   answered: the event is stored, the client never hears so. The retry (same body, same
 *   Idempotency-Key) goes through.
 * - a stub API whose behaviour is chosen by the first path segment of the base URL
 *   (`${stub}/<scenario>/<id>`), with the requests it got per id at `GET ${stub}/_stats/<id>`.
 * Both answer only what a Web-standard fetch can ask for, so the same cases run on Node and in
 * the edge VM.
 */

export type Seen = { method: string; path: string; idempotencyKey: string | null; body: string; at: number };

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server) {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

export async function startDropProxy(target: string) {
  const seenBodies = new Set<string>();
  const byKey = new Map<string, number>();
  let dropped = 0;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/_stats") return json(res, 200, { dropped, requests: byKey.get(url.searchParams.get("key") ?? "") ?? 0 });
    const key = req.headers["idempotency-key"];
    if (typeof key === "string") byKey.set(key, (byKey.get(key) ?? 0) + 1);
    const fingerprint = createHash("sha256").update(`${req.method} ${req.url}\n`).update(body).digest("hex");
    const first = !seenBodies.has(fingerprint);
    seenBodies.add(fingerprint);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !["host", "connection", "content-length", "keep-alive"].includes(name)) headers.set(name, value);
    }
    const answer = await fetch(new URL(req.url ?? "/", target), { method: req.method, headers, body: body.length ? new Uint8Array(body) : undefined });
    const text = Buffer.from(await answer.arrayBuffer());
    if (first) {
      // The server has stored and answered; the client gets a reset connection instead.
      dropped++;
      req.socket.destroy();
      return;
    }
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!["content-encoding", "transfer-encoding", "connection", "content-length", "keep-alive"].includes(name)) out[name] = value;
    });
    res.writeHead(answer.status, out);
    res.end(text);
  });
  return { url: await listen(server), close: closer(server) };
}

const accepted = (category = "stub") => ({ id: `evt_${Math.random().toString(36).slice(2)}`, category, createdAt: new Date().toISOString(), deliveries: [] });

export async function startStub() {
  const seen = new Map<string, Seen[]>();
  const server = createServer(async (req, res) => {
    const body = (await readBody(req)).toString();
    const url = new URL(req.url ?? "/", "http://x");
    const [scenario = "", id = "", ...rest] = url.pathname.split("/").filter(Boolean);
    if (scenario === "_stats") return json(res, 200, { requests: seen.get(id) ?? [] });
    const list = seen.get(id) ?? [];
    seen.set(id, list);
    const key = req.headers["idempotency-key"];
    list.push({ method: req.method ?? "", path: `/${rest.join("/")}`, idempotencyKey: typeof key === "string" ? key : null, body, at: Date.now() });
    const n = list.length;
    const rateLimited = { error: { code: "RATE_LIMITED", message: "Too many requests for this API key. Retry in 1 s." } };
    switch (scenario) {
      case "ok":
        return json(res, rest.includes("ping") ? 200 : 202, rest.includes("ping") ? { ok: true } : accepted());
      case "r429s":
        return n === 1 ? json(res, 429, rateLimited, { "retry-after": "1" }) : json(res, 202, accepted());
      case "r429d":
        // An HTTP date two seconds ahead (whole seconds: the wait is 1–2 s).
        return n === 1 ? json(res, 429, rateLimited, { "retry-after": new Date(Date.now() + 2000).toUTCString() }) : json(res, 202, accepted());
      case "r429long":
        return json(res, 429, rateLimited, { "retry-after": "5" });
      case "r503":
        if (n === 1) return json(res, 503, { error: { code: "UNAVAILABLE", message: "Try again." } });
        if (n === 2) {
          res.writeHead(502, { "content-type": "text/html" });
          return res.end("<html>Bad gateway</html>");
        }
        return json(res, 202, accepted());
      case "r422":
        return json(res, 422, { error: { code: "VALIDATION_FAILED", message: "fields.amount: bad", details: [{ field: "fields.amount", message: "bad" }] } });
      case "quota":
        return json(res, 429, { error: { code: "QUOTA_EXCEEDED", message: "Monthly event quota of 10 reached." } }, { "retry-after": "86400" });
      case "html200":
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<html>hello</html>");
      case "slow":
        return; // never answered; closed at teardown
      default:
        return json(res, 404, { error: { code: "NOT_FOUND", message: `no scenario ${scenario}` } });
    }
  });
  return { url: await listen(server), close: closer(server), seen };
}

/** The URL of a 127.0.0.1 port that was free a moment ago: a server listened there and closed. */
export async function unusedPort(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}
