/**
 * A local Slack incoming webhook for the Slack channel: answers "ok", or Slack's plain-text
 * errors ("invalid_payload", "no_text", "invalid_blocks", "no_service"), checking the Block Kit
 * limits that PingPilot must fit (header 150, section text 3,000, 10 fields of 2,000, 50 blocks).
 */
import { randomBytes } from "node:crypto";
import { retryAfterHeader, startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from "./fake-http";

export type SlackMessage = { text?: string; blocks?: unknown[] };

export type SlackFake = FakeServer & {
  /** A webhook that exists; `createWebhook()` makes more. */
  webhookUrl: string;
  /** A new webhook at `path` (default a random `/services/T…/B…/…`; dev-fakes fixes it so the URL survives restarts). */
  createWebhook(path?: string): string;
  /** Messages accepted. */
  messages: SlackMessage[];
};

/** https://api.slack.com/reference/block-kit/blocks */
const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  url: 3000,
  blockId: 255,
  /** Reported by Slack users: past about 12,000 characters of block text in all, `msg_blocks_too_long`. */
  totalBlockText: 12_000,
};

/** Slack's usual wording per status, for scripted failures without a body. */
const DEFAULT_ERRORS: Record<number, string> = {
  400: "invalid_payload",
  403: "action_prohibited",
  404: "no_service",
  410: "channel_is_archived",
  429: "rate_limited",
  500: "internal_error",
  503: "service_unavailable",
};

export async function startSlackFake(opts: { port?: number } = {}): Promise<SlackFake> {
  const hooks = new Set<string>();
  const messages: SlackMessage[] = [];
  // Slack answers webhook calls as text/html whatever happened.
  const reply = (status: number, body: string, headers: Record<string, string> = {}): FakeReply => ({ status, body, headers: { "content-type": "text/html", ...headers } });

  const handle = (req: FakeRequest): FakeReply => {
    if (!hooks.has(req.path)) return reply(404, "no_service");
    if (req.method !== "POST") return reply(405, "invalid_method");
    let body = req.body;
    // Slack also takes a form post with the JSON in `payload`.
    if (body && typeof body === "object" && typeof (body as { payload?: unknown }).payload === "string") {
      try {
        body = JSON.parse((body as { payload: string }).payload);
      } catch {
        body = undefined;
      }
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) return reply(400, "invalid_payload");
    const message = body as SlackMessage;
    if (message.blocks !== undefined && !Array.isArray(message.blocks)) return reply(400, "invalid_blocks_format");
    if (!message.text && !message.blocks?.length) return reply(400, "no_text");
    if (message.blocks && !validBlocks(message.blocks)) return reply(400, "invalid_blocks");
    if (message.blocks && totalBlockText(message.blocks) > LIMITS.totalBlockText) return reply(400, "msg_blocks_too_long");
    messages.push(message);
    return reply(200, "ok");
  };

  const server = await startFakeServer({
    port: opts.port,
    handle,
    failure: (failure) => reply(failure.status, typeof failure.body === "string" ? failure.body : (DEFAULT_ERRORS[failure.status] ?? "error"), { ...retryAfterHeader(failure), ...failure.headers }),
  });

  const createWebhook = (path = `/services/T${randomBytes(4).toString("hex").toUpperCase()}/B${randomBytes(4).toString("hex").toUpperCase()}/${randomBytes(12).toString("base64url")}`) => {
    hooks.add(path);
    return server.url + path;
  };
  const resetServer = server.reset;
  return Object.assign(server, {
    webhookUrl: createWebhook(),
    createWebhook,
    messages,
    reset() {
      resetServer();
      messages.length = 0;
    },
  });
}

type TextObject = { type?: unknown; text?: unknown };
const isText = (t: unknown, max: number, types = ["plain_text", "mrkdwn"]): boolean => {
  const o = t as TextObject | undefined;
  return !!o && typeof o.type === "string" && types.includes(o.type) && typeof o.text === "string" && o.text.length >= 1 && o.text.length <= max;
};

/** Every text object's characters, across all blocks. */
function totalBlockText(blocks: unknown[]): number {
  let total = 0;
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      const o = value as Record<string, unknown>;
      if ((o.type === "plain_text" || o.type === "mrkdwn") && typeof o.text === "string") total += o.text.length;
      else Object.values(o).forEach(visit);
    }
  };
  visit(blocks);
  return total;
}

function validBlocks(blocks: unknown[]): boolean {
  if (blocks.length > LIMITS.blocks) return false;
  return blocks.every((raw) => {
    const block = raw as Record<string, unknown>;
    if (!block || typeof block !== "object") return false;
    if (block.block_id !== undefined && (typeof block.block_id !== "string" || block.block_id.length > LIMITS.blockId)) return false;
    switch (block.type) {
      case "header":
        return isText(block.text, LIMITS.headerText, ["plain_text"]);
      case "section": {
        if (block.text === undefined && block.fields === undefined) return false;
        if (block.text !== undefined && !isText(block.text, LIMITS.sectionText)) return false;
        if (block.fields !== undefined) {
          const fields = block.fields as unknown[];
          if (!Array.isArray(fields) || fields.length < 1 || fields.length > LIMITS.sectionFields) return false;
          if (!fields.every((f) => isText(f, LIMITS.fieldText))) return false;
        }
        return true;
      }
      case "context": {
        const elements = block.elements as unknown[];
        return (
          Array.isArray(elements) &&
          elements.length >= 1 &&
          elements.length <= LIMITS.contextElements &&
          elements.every((e) => isText(e, LIMITS.sectionText) || (e as { type?: unknown }).type === "image")
        );
      }
      case "actions": {
        const elements = block.elements as Array<Record<string, unknown>>;
        if (!Array.isArray(elements) || elements.length < 1 || elements.length > LIMITS.actionsElements) return false;
        return elements.every((e) => e.type !== "button" || (isText(e.text, LIMITS.buttonText, ["plain_text"]) && (e.url === undefined || (typeof e.url === "string" && e.url.length <= LIMITS.url))));
      }
      case "divider":
        return true;
      default:
        return false;
    }
  });
}
