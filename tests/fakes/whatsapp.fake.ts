/**
 * A local WhatsApp Cloud API (Graph API) for the WhatsApp channel: `POST /<version>/<phone
 * number id>/messages` with a Bearer token, text messages up to 4,096 characters, answered with
 * a `wamid` or a Graph API error `{ error: { message, type, code, error_data, fbtrace_id } }`.
 */
import { randomBytes } from "node:crypto";
import { retryAfterHeader, startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from "./fake-http";

export type WhatsappSentMessage = { to: string; body: string; previewUrl: boolean; id: string };

export type WhatsappFake = FakeServer & {
  token: string;
  phoneNumberId: string;
  /** What WHATSAPP_API_URL should be: `<url>/<version>`. */
  apiUrl: string;
  /** Messages accepted. */
  messages: WhatsappSentMessage[];
};

const BODY_LIMIT = 4096;

export async function startWhatsappFake(opts: { port?: number; token?: string; phoneNumberId?: string; version?: string } = {}): Promise<WhatsappFake> {
  const token = opts.token ?? "fake-whatsapp-token";
  const phoneNumberId = opts.phoneNumberId ?? "100000000000001";
  const version = opts.version ?? "v21.0";
  const messages: WhatsappSentMessage[] = [];
  const graphError = (status: number, error: Record<string, unknown>): FakeReply => ({
    status,
    body: { error: { type: "OAuthException", ...error, fbtrace_id: randomBytes(8).toString("base64url") } },
  });
  const invalid = (details: string) => graphError(400, { message: "(#100) Invalid parameter", code: 100, error_data: { messaging_product: "whatsapp", details } });

  const handle = (req: FakeRequest): FakeReply => {
    const match = /^(?:\/v\d+\.\d+)?\/([^/]+)\/messages$/.exec(req.path);
    if (!match || req.method !== "POST") return graphError(400, { message: "Unknown path components", code: 2500 });
    if (req.headers.authorization !== `Bearer ${token}`) return graphError(401, { message: "Invalid OAuth access token - Cannot parse access token", code: 190 });
    if (match[1] !== phoneNumberId) {
      return graphError(400, {
        message: `Unsupported post request. Object with ID '${match[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        type: "GraphMethodException",
        code: 100,
        error_subcode: 33,
      });
    }
    const body = req.body as { messaging_product?: unknown; to?: unknown; type?: unknown; text?: { body?: unknown; preview_url?: unknown } } | undefined;
    if (!body || typeof body !== "object") return invalid("Request body is not JSON");
    if (body.messaging_product !== "whatsapp") return graphError(400, { message: "(#100) The parameter messaging_product is required.", code: 100 });
    if (typeof body.to !== "string" || !/^\+?\d{7,15}$/.test(body.to)) {
      return graphError(400, { message: "(#131009) Parameter value is not valid", code: 131009, error_data: { messaging_product: "whatsapp", details: "Invalid phone number" } });
    }
    if ((body.type ?? "text") !== "text") return invalid(`This fake only sends text messages, not '${String(body.type)}'`);
    const text = body.text?.body;
    if (typeof text !== "string" || !text.trim()) return invalid("Param text['body'] is required");
    if (text.length > BODY_LIMIT) return invalid(`Param text['body'] must be at most ${BODY_LIMIT} characters long.`);

    const id = `wamid.${Buffer.from(`${phoneNumberId}:${body.to}:${randomBytes(8).toString("hex")}`).toString("base64")}`;
    messages.push({ to: body.to, body: text, previewUrl: body.text?.preview_url === true, id });
    return { status: 200, body: { messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to.replace(/^\+/, "") }], messages: [{ id }] } };
  };

  const server = await startFakeServer({
    port: opts.port,
    handle,
    failure: (failure) => {
      const headers = { ...retryAfterHeader(failure), ...failure.headers };
      if (typeof failure.body === "object") return { status: failure.status, body: failure.body, headers };
      if (failure.status === 429 && failure.body === undefined) {
        return {
          ...graphError(429, { message: "(#130429) Rate limit hit", code: 130429, error_data: { messaging_product: "whatsapp", details: "Cloud API message throughput has been reached." } }),
          headers,
        };
      }
      // A string body is the message, in the Graph API's error shape.
      const message = failure.body ?? (failure.status >= 500 ? "An unknown error has occurred." : "(#100) Invalid parameter");
      return { ...graphError(failure.status, { message, code: failure.status >= 500 ? 1 : 100 }), headers };
    },
  });

  const resetServer = server.reset;
  return Object.assign(server, {
    token,
    phoneNumberId,
    apiUrl: `${server.url}/${version}`,
    messages,
    reset() {
      resetServer();
      messages.length = 0;
    },
  });
}
