import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handledByHono } from "@/server/http/app";
import { limitPageBody } from "@/server/http/page-body-limit";
import { STRONG_PASSWORD, startTestApp, TEST_ORIGIN, type TestApp } from "../support/test-app";

/**
 * A real HTTP server wired like main.ts (Hono for its prefixes, the page limit in front of a
 * stand-in for Next.js that reads whatever body it gets), sent 20 MB bodies.
 */
let t: TestApp;
let server: Server;
let base: string;
let pageBodies = 0;

beforeAll(async () => {
  t = await startTestApp();
  const answerApi = getRequestListener(t.app.fetch);
  server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (handledByHono(path)) return answerApi(req, res);
    if (!limitPageBody(req, res)) return;
    // Like Next.js: read the whole body, then answer.
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      pageBodies++;
      res.end(`page read ${Buffer.concat(chunks).length} bytes`);
    });
    req.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "a");

/** Streams `total` bytes (declared or chunked) and resolves with the answer, stopping the upload once it arrives. */
function send(path: string, total: number, mode: "length" | "chunked", extraHeaders: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const url = new URL(path, base);
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      origin: TEST_ORIGIN,
      "x-forwarded-for": "10.77.0.1",
      ...extraHeaders,
    };
    if (mode === "length") headers["content-length"] = total;
    const req = httpRequest(url, { method: "POST", headers, agent: false });
    let answered = false;
    let sent = 0;
    req.on("response", (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString() }));
      res.on("error", () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString() }));
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const pump = () => {
      while (!answered && !req.destroyed && sent < total) {
        const piece = CHUNK.subarray(0, Math.min(CHUNK.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      if (!answered && !req.destroyed) req.end();
    };
    pump();
  });
}

const ROUTES = ["/api/auth/sign-in/email", "/api/auth/sign-up/email", "/trpc/category.create", "/api/v1/events", "/api/webhooks/telegram", "/api/stream", "/api/x", "/dashboard/some-page"];

describe("every route refuses a 20 MB body with 413, without the process growing", () => {
  it("declared and chunked, on auth, tRPC, the public API, webhooks, the stream, an unknown API path and a page", async () => {
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().rss;
    for (const path of ROUTES) {
      for (const mode of ["length", "chunked"] as const) {
        const res = await send(path, 20 * MB, mode);
        expect(res.status, `${mode} ${path}`).toBe(413);
        expect(JSON.parse(res.body).error.code, `${mode} ${path}`).toBe("PAYLOAD_TOO_LARGE");
      }
    }
    (globalThis as { gc?: () => void }).gc?.();
    const grown = process.memoryUsage().rss - before;
    expect(grown).toBeLessThan(64 * MB);
    expect(pageBodies).toBe(0);
  }, 60_000);

  it("the limits are 64 KB for auth and the API, 256 KB for tRPC, 1 MB for pages", async () => {
    expect((await send("/api/auth/sign-in/email", 64 * 1024 + 1, "chunked")).status).toBe(413);
    expect((await send("/api/auth/sign-in/email", 64 * 1024 + 1, "length")).status).toBe(413);
    expect((await send("/trpc/category.create", 200 * 1024, "chunked")).status).not.toBe(413);
    expect((await send("/trpc/category.create", 256 * 1024 + 1, "length")).status).toBe(413);
    expect((await send("/dashboard/some-page", 900 * 1024, "chunked")).body).toBe(`page read ${900 * 1024} bytes`);
    expect((await send("/dashboard/some-page", MB + 1, "length")).status).toBe(413);
    expect((await send("/dashboard/some-page", MB + 1, "chunked")).status).toBe(413);
  });

  it("small bodies still work, chunked or declared (sign-up and sign-in through the real server)", async () => {
    for (const mode of ["length", "chunked"] as const) {
      const email = `small-${mode}@example.com`;
      const signUp = await sendJson("/api/auth/sign-up/email", { email, password: STRONG_PASSWORD, name: "S" }, mode);
      expect(signUp.status).toBe(200);
      const signIn = await sendJson("/api/auth/sign-in/email", { email, password: STRONG_PASSWORD }, mode);
      expect(signIn.status).toBe(200);
    }
  });

  it("the public API reads a small chunked body after the limit counted it", async () => {
    const { key } = await t.signUpWithKey("small-api@example.com");
    for (const mode of ["length", "chunked"] as const) {
      const res = await sendJson("/api/v1/categories", { name: `cat-${mode}`, color: "#FFEB3B" }, mode, { authorization: `Bearer ${key}` });
      expect(res.status, res.body).toBe(201);
    }
  });
});

function sendJson(path: string, body: unknown, mode: "length" | "chunked", extra: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { "content-type": "application/json", origin: TEST_ORIGIN, "x-forwarded-for": "10.78.0.1", ...extra };
    if (mode === "length") headers["content-length"] = data.length;
    const req = httpRequest(new URL(path, base), { method: "POST", headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString() }));
    });
    req.on("error", reject);
    // Two writes, so a chunked request really arrives in pieces.
    req.write(data.subarray(0, 10));
    req.end(data.subarray(10));
  });
}
