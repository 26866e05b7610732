import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** Hop-by-hop headers a proxy does not pass on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

/** Response header naming the upstream (its index in `targets`) that answered, or failed to. */
export const UPSTREAM_HEADER = "x-upstream";

export type RoundRobinProxy = {
  url: string;
  /** Requests sent to each upstream so far (by index). */
  sent: number[];
  close(): Promise<void>;
};

/**
 * A load balancer in front of several instances, as a deployment would run one: each request
 * goes to the next upstream in turn (strict round robin, no stickiness, no retries), with
 * X-Forwarded-For appended and X-Forwarded-Proto set like the README's nginx, over a new upstream
 * connection per request (nginx's default: no upstream keep-alive, so a request never lands on
 * a connection the instance is just closing). Responses stream
 * through (server-sent events included). An upstream that cannot be reached, or drops the
 * connection mid-answer, gives a 502 (or a cut response), as nginx would; the proxy stays up.
 */
export async function startRoundRobinProxy(targets: string[]): Promise<RoundRobinProxy> {
  const upstreams = targets.map((t) => new URL(t));
  const sent = upstreams.map(() => 0);
  let next = 0;

  const server = createServer((req, res) => {
    const index = next++ % upstreams.length;
    const upstream = upstreams[index]!;
    sent[index]!++;
    const peer = (req.socket.remoteAddress ?? "").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    const forwarded = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = forwarded ? `${Array.isArray(forwarded) ? forwarded.join(", ") : forwarded}, ${peer}` : peer;
    headers["x-forwarded-proto"] = "http";

    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      const back: IncomingHttpHeaders = { [UPSTREAM_HEADER]: String(index) };
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) back[name] = value;
      res.writeHead(answer.statusCode ?? 502, back);
      res.flushHeaders();
      answer.pipe(res);
      answer.on("error", () => res.destroy());
      answer.on("aborted", () => res.destroy());
    });
    out.on("error", () => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { "content-type": "text/plain", [UPSTREAM_HEADER]: String(index) });
      res.end("bad gateway");
    });
    // The client went away (a closed event stream): stop the upstream request too.
    res.on("close", () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
