/**
 * A webhook endpoint like a PingPilot user would run: it verifies the Standard Webhooks headers
 * (https://www.standardwebhooks.com) with the secret it was given and answers 204, or 401 with
 * the reason. The check is written here from the spec, not imported from the channel, so a
 * mistake in the channel's signing cannot hide behind the same mistake in its verification.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { testClock } from "../support/test-app";
import { retryAfterHeader, startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from "./fake-http";

export type WebhookReceiverRequest = FakeRequest & {
  /** true: signature valid; false: refused with 401; null: no secret set, so not checked; undefined: a scripted failure answered. */
  verified?: boolean | null;
  reason?: string;
};

export type WebhookReceiverFake = FakeServer<WebhookReceiverRequest> & {
  /** Where PingPilot should send: `<url>/hooks/pingpilot`. */
  webhookUrl: string;
  secret: string | undefined;
  setSecret(secret: string | undefined): void;
};

export async function startWebhookReceiverFake(opts: { port?: number; secret?: string; toleranceSeconds?: number; now?: () => Date } = {}): Promise<WebhookReceiverFake> {
  let secret = opts.secret;
  // The receiver's clock agrees with the sender's, as NTP-synced servers do (the tests' clock when it is shifted).
  const now = opts.now ?? testClock();
  const tolerance = opts.toleranceSeconds ?? 300;
  const path = "/hooks/pingpilot";

  const handle = (req: WebhookReceiverRequest): FakeReply => {
    if (req.path !== path) return { status: 404, body: { error: "not found" } };
    if (req.method !== "POST") return { status: 405, body: { error: "method not allowed" } };
    if (secret === undefined) {
      req.verified = null;
      return { status: 204 };
    }
    const reason = checkSignature(secret, req, tolerance, now().getTime() / 1000);
    req.verified = !reason;
    req.reason = reason;
    return reason ? { status: 401, body: { error: reason } } : { status: 204 };
  };

  const server = await startFakeServer<WebhookReceiverRequest>({
    port: opts.port,
    handle,
    failure: (failure) => ({ status: failure.status, body: failure.body ?? { error: `scripted ${failure.status}` }, headers: { ...retryAfterHeader(failure), ...failure.headers } }),
  });

  const resetServer = server.reset;
  const fake = Object.assign(server, {
    webhookUrl: server.url + path,
    secret,
    setSecret(next: string | undefined) {
      secret = next;
      fake.secret = next;
    },
    reset() {
      resetServer();
      fake.setSecret(opts.secret);
    },
  });
  return fake;
}

/** The Standard Webhooks check; returns why the request is refused, or undefined. */
function checkSignature(secret: string, req: FakeRequest, toleranceSeconds: number, nowSeconds: number): string | undefined {
  const id = req.headers["webhook-id"];
  const timestamp = req.headers["webhook-timestamp"];
  const signatures = req.headers["webhook-signature"];
  if (typeof id !== "string" || typeof timestamp !== "string" || typeof signatures !== "string") return "missing webhook-id, webhook-timestamp or webhook-signature";
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return "timestamp outside the tolerance";
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${req.rawBody}`).digest();
  const valid = signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    if (version !== "v1" || !signature) return false;
    const given = Buffer.from(signature, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return valid ? undefined : "no valid v1 signature";
}
