import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** Hop-by-hop headers a proxy does not pass on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

/**
 * Header a test client sets to make the proxy believe its peer is another address (a
 * "remote" client on a public address). The proxy consumes it, so the app never sees it.
 */
export const SIMULATED_PEER_HEADER = "x-test-proxy-peer";

export type ReverseProxy = { url: string; close(): Promise<void> };

/**
 * A small reverse proxy configured like the README's nginx: X-Forwarded-For gets the peer
 * address appended ($proxy_add_x_forwarded_for: whatever the client sent, then the real
 * peer), Host is kept ($host), X-Forwarded-Proto set ($scheme). Listens on 127.0.0.1, so
 * PingPilot sees every request coming from 127.0.0.1, as behind nginx on the same host.
 */
export async function startReverseProxy(target: string): Promise<ReverseProxy> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const simulated = req.headers[SIMULATED_PEER_HEADER];
    const peer = (typeof simulated === "string" ? simulated : (req.socket.remoteAddress ?? "")).replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && name !== SIMULATED_PEER_HEADER) headers[name] = value;
    const sent = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = sent ? `${Array.isArray(sent) ? sent.join(", ") : sent}, ${peer}` : peer;
    headers["x-forwarded-proto"] = "http";
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
      const back: IncomingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) back[name] = value;
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
    });
    out.on("error", () => {
      res.statusCode = 502;
      res.end("bad gateway");
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type HttpAnswer = { status: number; headers: IncomingHttpHeaders; body: string };

/**
 * One HTTP request over a fresh connection, from `localAddress` when given (127.0.0.2,
 * 127.0.0.3, … are loopback on Linux, so each is a distinct real peer for the proxy).
 */
export function sendHttp(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}): Promise<HttpAnswer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? "GET", headers: { connection: "close", ...opts.headers }, localAddress: opts.localAddress, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}
