/**
 * A local Discord REST API (v10) for the Discord DM and Discord webhook channels: bot auth, DM
 * channels, channel messages and webhook executions, with Discord's embed limits enforced
 * (400 "Invalid Form Body", code 50035) so tests prove that PingPilot fits its embeds.
 */
import { randomBytes } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { codePoints, startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from "./fake-http";

export type DiscordFake = FakeServer & {
  botToken: string;
  /** What DISCORD_API_URL should be: `<url>/api/v10`. */
  apiUrl: string;
  /** A webhook that exists; `createWebhook()` makes more. */
  webhookUrl: string;
  /** A new webhook; `id` and `token` default to random ones (dev-fakes fixes them so the URL survives restarts). */
  createWebhook(id?: string, token?: string): string;
  /** The DM channel id opened for a user, if any. */
  dmChannelOf(userId: string): string | undefined;
  /** Messages the bot sent to this user by DM, oldest first (what the user would read). */
  dmsTo(userId: string): Array<{ content: string; embeds: unknown[] }>;
  /** Every DM channel becomes unknown (404 code 10003), as when Discord drops them. */
  forgetDmChannels(): void;
  /** Messages to this user answer 403 code 50007, as when they share no server or closed DMs. */
  closeDms(userId: string): void;
};

/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
const LIMITS = { embeds: 10, title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footerText: 2048, authorName: 256, total: 6000, content: 2000 };
const DISCORD_EPOCH = 1420070400000n;

export async function startDiscordFake(opts: { port?: number; botToken?: string } = {}): Promise<DiscordFake> {
  const botToken = opts.botToken ?? "fake-bot-token";
  const botUser = { id: snowflake(), username: "PingPilot", discriminator: "0000", global_name: null, avatar: null, bot: true };
  const dmChannels = new Map<string, string>(); // user id → channel id
  const liveChannels = new Set<string>();
  const closedDms = new Set<string>();
  const webhooks = new Map<string, string>(); // webhook id → token

  const error = (status: number, message: string, code = 0, errors?: unknown): FakeReply => ({ status, body: { message, code, ...(errors ? { errors } : {}) } });
  const unauthorized = (req: FakeRequest) => req.headers.authorization !== `Bot ${botToken}`;

  const handle = (req: FakeRequest): FakeReply => {
    const route = /^\/api(?:\/v\d+)?(\/.*)$/.exec(req.path)?.[1];
    if (!route) return error(404, "404: Not Found");
    let match: RegExpExecArray | null;

    if (route === "/users/@me/channels") {
      if (req.method !== "POST") return error(405, "405: Method Not Allowed");
      if (unauthorized(req)) return error(401, "401: Unauthorized");
      const recipient = (req.body as { recipient_id?: unknown } | undefined)?.recipient_id;
      if (typeof recipient !== "string" || !/^\d{17,20}$/.test(recipient)) {
        return error(400, "Invalid Form Body", 50035, { recipient_id: { _errors: [{ code: "NUMBER_TYPE_COERCE", message: `Value "${String(recipient)}" is not snowflake.` }] } });
      }
      let id = dmChannels.get(recipient);
      if (!id || !liveChannels.has(id)) {
        id = snowflake();
        dmChannels.set(recipient, id);
        liveChannels.add(id);
      }
      return {
        status: 200,
        body: { id, type: 1, last_message_id: null, flags: 0, recipients: [{ id: recipient, username: `user${recipient.slice(-4)}`, discriminator: "0", global_name: null, avatar: null }] },
      };
    }

    if ((match = /^\/channels\/([^/]+)\/messages$/.exec(route))) {
      if (req.method !== "POST") return error(405, "405: Method Not Allowed");
      if (unauthorized(req)) return error(401, "401: Unauthorized");
      const channelId = match[1]!;
      if (!liveChannels.has(channelId)) return error(404, "Unknown Channel", 10003);
      const user = [...dmChannels].find(([, id]) => id === channelId)?.[0];
      if (user && closedDms.has(user)) return error(403, "Cannot send messages to this user", 50007);
      const invalid = validateMessage(req.body);
      if (invalid) return invalid;
      return { status: 200, body: messageObject(req.body as MessageBody, channelId, botUser) };
    }

    if ((match = /^\/webhooks\/([^/]+)\/([^/]+)$/.exec(route))) {
      if (req.method !== "POST") return error(405, "405: Method Not Allowed");
      const [, id, token] = match as unknown as [string, string, string];
      if (!webhooks.has(id)) return error(404, "Unknown Webhook", 10015);
      if (webhooks.get(id) !== token) return error(401, "Invalid Webhook Token", 50027);
      const invalid = validateMessage(req.body);
      if (invalid) return invalid;
      // Without ?wait=true Discord answers 204 with no message object.
      if (req.query.wait !== "true") return { status: 204 };
      return {
        status: 200,
        body: { ...messageObject(req.body as MessageBody, snowflake(), { id, username: "PingPilot Hook", discriminator: "0000", global_name: null, avatar: null, bot: true }), webhook_id: id },
      };
    }

    return error(404, "404: Not Found");
  };

  const server = await startFakeServer({
    port: opts.port,
    handle,
    failure: (failure) => {
      if (failure.status === 429) {
        const retryAfter = failure.retryAfter ?? 1.5;
        return {
          status: 429,
          body: failure.body ?? { message: "You are being rate limited.", retry_after: retryAfter, global: false },
          headers: {
            "retry-after": String(Math.ceil(retryAfter)),
            "x-ratelimit-limit": "5",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset-after": String(retryAfter),
            "x-ratelimit-scope": "user",
            ...failure.headers,
          },
        };
      }
      // A string body is the reason, in Discord's error shape; an object is sent as it is.
      const body = typeof failure.body === "string" ? { message: failure.body, code: 0 } : (failure.body ?? { message: `${failure.status}: ${STATUS_CODES[failure.status] ?? "Error"}`, code: 0 });
      return { status: failure.status, body, headers: failure.headers };
    },
  });

  const createWebhook = (id = snowflake(), token = randomBytes(34).toString("base64url")) => {
    webhooks.set(id, token);
    return `${server.url}/api/webhooks/${id}/${token}`;
  };

  const resetServer = server.reset;
  return Object.assign(server, {
    reset() {
      // Webhooks stay: their URLs are handed out once, like real ones.
      resetServer();
      dmChannels.clear();
      liveChannels.clear();
      closedDms.clear();
    },
    botToken,
    apiUrl: `${server.url}/api/v10`,
    webhookUrl: createWebhook(),
    createWebhook,
    dmChannelOf: (userId: string) => dmChannels.get(userId),
    dmsTo: (userId: string) => {
      const channelId = dmChannels.get(userId);
      return server.received
        .filter((r) => r.status === 200 && channelId !== undefined && r.path.endsWith(`/channels/${channelId}/messages`))
        .map((r) => ({ content: str((r.body as MessageBody).content), embeds: (r.body as MessageBody).embeds ?? [] }));
    },
    forgetDmChannels: () => liveChannels.clear(),
    closeDms: (userId: string) => void closedDms.add(userId),
  });
}

type Embed = {
  title?: unknown;
  description?: unknown;
  url?: unknown;
  color?: unknown;
  timestamp?: unknown;
  fields?: Array<{ name?: unknown; value?: unknown; inline?: unknown }>;
  footer?: { text?: unknown };
  author?: { name?: unknown };
};
type MessageBody = { content?: string; embeds?: Embed[] };

const maxLength = (max: number) => ({ _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` }] });
const required = () => ({ _errors: [{ code: "BASE_TYPE_REQUIRED", message: "This field is required" }] });
const str = (value: unknown) => (typeof value === "string" ? value : "");

/** Discord's form validation for a message body, answering the way Discord words it. */
function hostHasDot(url: string) {
  try {
    return new URL(url).hostname.includes(".");
  } catch {
    return true; // a malformed url is reported as such below
  }
}

function validateMessage(body: unknown): FakeReply | undefined {
  if (!body || typeof body !== "object") return { status: 400, body: { message: "Cannot send an empty message", code: 50006 } };
  const message = body as MessageBody;
  const errors: Record<string, unknown> = {};
  if (message.content !== undefined && codePoints(str(message.content)) > LIMITS.content) errors.content = maxLength(LIMITS.content);
  const embeds = Array.isArray(message.embeds) ? message.embeds : [];
  if (!str(message.content) && embeds.length === 0) return { status: 400, body: { message: "Cannot send an empty message", code: 50006 } };
  if (embeds.length > LIMITS.embeds) errors.embeds = maxLength(LIMITS.embeds);
  // Discord refuses an embed linking to a host without a dot (http://localhost:3000/…) with this
  // terse body, not the usual Invalid Form Body.
  const dotless = embeds.flatMap((embed, i) => (embed.url !== undefined && !hostHasDot(str(embed.url)) ? [String(i)] : []));
  if (dotless.length) return { status: 400, body: { embeds: dotless } };

  const embedErrors: Record<string, unknown> = {};
  let total = 0;
  embeds.forEach((embed, i) => {
    const e: Record<string, unknown> = {};
    const check = (key: string, value: unknown, max: number) => {
      if (value !== undefined && codePoints(str(value)) > max) e[key] = maxLength(max);
      total += codePoints(str(value));
    };
    check("title", embed.title, LIMITS.title);
    check("description", embed.description, LIMITS.description);
    if (embed.footer) {
      if (codePoints(str(embed.footer.text)) > LIMITS.footerText) e.footer = { text: maxLength(LIMITS.footerText) };
      total += codePoints(str(embed.footer.text));
    }
    if (embed.author) total += codePoints(str(embed.author.name));
    if (embed.color !== undefined && !(Number.isInteger(embed.color) && (embed.color as number) >= 0 && (embed.color as number) <= 0xffffff)) {
      e.color = { _errors: [{ code: "NUMBER_TYPE_MAX", message: "int value should be less than or equal to 16777215." }] };
    }
    if (embed.timestamp !== undefined && !(typeof embed.timestamp === "string" && /^\d{4}-\d{2}-\d{2}T/.test(embed.timestamp) && Number.isFinite(Date.parse(embed.timestamp)))) {
      e.timestamp = { _errors: [{ code: "DATE_TYPE_PARSE", message: `Could not parse ${String(embed.timestamp)}. Should be ISO8601.` }] };
    }
    if (embed.url !== undefined && !/^https?:\/\/[^\s]+$/.test(str(embed.url))) e.url = { _errors: [{ code: "URL_TYPE_INVALID_URL", message: "Not a well formed URL." }] };
    const fields = embed.fields ?? [];
    if (fields.length > LIMITS.fields) e.fields = maxLength(LIMITS.fields);
    else {
      const fieldErrors: Record<string, unknown> = {};
      fields.forEach((field, j) => {
        const f: Record<string, unknown> = {};
        const name = str(field.name);
        const value = str(field.value);
        if (!name.trim()) f.name = required();
        else if (codePoints(name) > LIMITS.fieldName) f.name = maxLength(LIMITS.fieldName);
        if (!value.trim()) f.value = required();
        else if (codePoints(value) > LIMITS.fieldValue) f.value = maxLength(LIMITS.fieldValue);
        total += codePoints(name) + codePoints(value);
        if (Object.keys(f).length) fieldErrors[j] = f;
      });
      if (Object.keys(fieldErrors).length) e.fields = fieldErrors;
    }
    if (Object.keys(e).length) embedErrors[i] = e;
  });
  if (total > LIMITS.total) embedErrors._errors = [{ code: "MAX_EMBED_SIZE_EXCEEDED", message: `Embed size exceeds maximum size of ${LIMITS.total}` }];
  if (Object.keys(embedErrors).length) errors.embeds = embedErrors;
  if (Object.keys(errors).length) return { status: 400, body: { message: "Invalid Form Body", code: 50035, errors } };
  return undefined;
}

function messageObject(body: MessageBody, channelId: string, author: Record<string, unknown>) {
  return {
    id: snowflake(),
    type: 0,
    channel_id: channelId,
    content: body.content ?? "",
    embeds: (body.embeds ?? []).map((embed) => ({ type: "rich", ...embed })),
    author,
    attachments: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    flags: 0,
    components: [],
  };
}

let sequence = 0n;
/** Discord ids: milliseconds since 2015 shifted left 22 bits, plus a counter. */
function snowflake() {
  sequence = (sequence + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | sequence).toString();
}
