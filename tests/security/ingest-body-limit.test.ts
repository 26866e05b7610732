import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RealServer, startRealServer } from "../support/real-server";
import { startTestApp, type TestApp } from "../support/test-app";

/**
 * The ingest routes apply the body limit themselves (ingest.route.ts, ahead of the app's
 * middleware): 64 KB for POST /api/v1/events, 1 MB for /events/batch, declared or chunked,
 * through a real Node server, where the body is read from the socket.
 */
let server: RealServer;
let key: string;

beforeAll(async () => {
  server = await startRealServer({ env: { API_RATE_LIMIT_BURST: "1000", API_RATE_LIMIT_PER_SECOND: "1000" } });
  // An account, a key and a category, made through the in-process app on the same database.
  const setup: TestApp = await startTestApp({ env: { DATABASE_URL: (server.services.env.database as { file?: string; url?: string }).file ?? (server.services.env.database as { url: string }).url } });
  key = (await setup.signUpWithKey("limits@example.com")).key;
  await setup.api("/api/v1/categories", key, { json: { name: "sale" } });
  await setup.close(); // its own (unused) database goes; the server's stays
});
afterAll(() => server.close());

/** POSTs `body` declared (Content-Length) or chunked (several writes, no length). */
function post(path: string, body: Buffer, mode: "length" | "chunked", auth = true) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const headers: Record<string, string | number> = { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${key}` } : {}) };
    if (mode === "length") headers["content-length"] = body.length;
    const req = httpRequest(new URL(path, server.url), { method: "POST", headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString() }));
      res.on("error", reject);
    });
    req.on("error", (err) => (err.message.includes("EPIPE") || err.message.includes("ECONNRESET") ? undefined : reject(err)));
    for (let at = 0; at < body.length; at += 16 * 1024) req.write(body.subarray(at, at + 16 * 1024));
    req.end();
  });
}

const long = "x".repeat(1000);
const event = (n: number) => ({ category: "sale", description: "d".repeat(1900), fields: { n, a: long, b: long, c: long, d: long }, idempotencyKey: `limit-${n}` });

describe("ingest body limits through a real server", () => {
  it("POST /events: a small chunked body is read and stored; over 64 KB is refused before the key is even checked", async () => {
    const ok = await post("/api/v1/events", Buffer.from(JSON.stringify({ category: "sale", description: "chunked" })), "chunked");
    expect(ok.status, ok.body).toBe(202);
    for (const mode of ["length", "chunked"] as const) {
      const res = await post("/api/v1/events", Buffer.alloc(64 * 1024 + 1, "a"), mode, false);
      expect(res.status, mode).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe("PAYLOAD_TOO_LARGE");
      expect(res.headers.connection).toBe("close");
    }
  });

  it("POST /events/batch: up to 1 MB is read (declared or chunked), over it is refused", async () => {
    const body = Buffer.from(JSON.stringify({ events: Array.from({ length: 100 }, (_, n) => event(n)) }));
    expect(body.length).toBeGreaterThan(512 * 1024);
    expect(body.length).toBeLessThan(1024 * 1024);
    for (const mode of ["length", "chunked"] as const) {
      const res = await post("/api/v1/events/batch", body, mode);
      expect(res.status, res.body.slice(0, 200)).toBe(200);
      // The second time, every event is a replay of the first.
      const results = JSON.parse(res.body).results as { status: number; replayed?: boolean }[];
      expect(results.every((r) => r.status === 202)).toBe(true);
      expect(results.every((r) => (r.replayed ?? false) === (mode === "chunked"))).toBe(true);
    }
    for (const mode of ["length", "chunked"] as const) {
      const res = await post("/api/v1/events/batch", Buffer.alloc(1024 * 1024 + 1, "a"), mode, false);
      expect(res.status, mode).toBe(413);
      expect(JSON.parse(res.body).error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", message: "The body is larger than 1 MB." });
    }
  });
});
