/**
 * A local Telegram Bot API for the Telegram channel: `POST /bot<token>/sendMessage` (JSON or
 * form) and `getMe`, with the real checks that matter here: the token, `chat_id`, HTML parse
 * mode (supported tags only, balanced, entities escaped) and 4,096 characters after parsing.
 */
import { STATUS_CODES } from "node:http";
import { startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from "./fake-http";

export type TelegramSentMessage = { chatId: string; messageId: number; html: string; text: string };

export type TelegramFake = FakeServer & {
  token: string;
  /** What TELEGRAM_API_URL should be (the fake's root). */
  apiUrl: string;
  /** Messages accepted, with `text` as the user sees it (tags removed, entities decoded). */
  messages: TelegramSentMessage[];
  /** sendMessage to this chat answers 403 "Forbidden: bot was blocked by the user". */
  blockChat(chatId: string): void;
};

const TEXT_LIMIT = 4096;
const BOT = { id: 7000000001, is_bot: true, first_name: "PingPilot", username: "pingpilot_fake_bot" };
const SUPPORTED_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote"]);

export async function startTelegramFake(opts: { port?: number; token?: string } = {}): Promise<TelegramFake> {
  const token = opts.token ?? "fake-telegram-token";
  const messages: TelegramSentMessage[] = [];
  const blocked = new Set<string>();
  let nextMessageId = 1;
  const fail = (status: number, description: string): FakeReply => ({ status, body: { ok: false, error_code: status, description } });

  const handle = (req: FakeRequest): FakeReply => {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.path);
    if (!match) return fail(404, "Not Found");
    if (match[1] !== token) return fail(401, "Unauthorized");
    const method = match[2]!.toLowerCase();
    const params = { ...req.query, ...(req.body && typeof req.body === "object" ? (req.body as Record<string, unknown>) : {}) };
    if (method === "getme") return { status: 200, body: { ok: true, result: { ...BOT, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } } };
    if (method !== "sendmessage") return fail(404, "Not Found");

    const chatId = params.chat_id === undefined || params.chat_id === null ? "" : String(params.chat_id);
    if (!chatId) return fail(400, "Bad Request: chat_id is empty");
    if (!/^-?\d+$/.test(chatId) && !/^@\w{5,}$/.test(chatId)) return fail(400, "Bad Request: chat not found");
    if (blocked.has(chatId)) return fail(403, "Forbidden: bot was blocked by the user");
    const html = typeof params.text === "string" ? params.text : "";
    let text = html;
    if (params.parse_mode === "HTML") {
      const parsed = parseTelegramHtml(html);
      if ("error" in parsed) return fail(400, `Bad Request: can't parse entities: ${parsed.error}`);
      text = parsed.text;
    } else if (params.parse_mode !== undefined && !["Markdown", "MarkdownV2"].includes(String(params.parse_mode))) {
      return fail(400, "Bad Request: unsupported parse_mode");
    }
    if (!text.trim()) return fail(400, "Bad Request: message text is empty");
    // Telegram counts UTF-16 code units, after entities are parsed.
    if (text.length > TEXT_LIMIT) return fail(400, "Bad Request: message is too long");

    const messageId = nextMessageId++;
    messages.push({ chatId, messageId, html, text });
    return {
      status: 200,
      body: {
        ok: true,
        result: { message_id: messageId, from: BOT, chat: { id: /^-?\d+$/.test(chatId) ? Number(chatId) : chatId, first_name: "Test", type: "private" }, date: Math.floor(Date.now() / 1000), text },
      },
    };
  };

  const server = await startFakeServer({
    port: opts.port,
    handle,
    failure: (failure) => {
      if (failure.status === 429) {
        const retryAfter = Math.ceil(failure.retryAfter ?? 5);
        return {
          status: 429,
          body: failure.body ?? { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } },
          headers: failure.headers,
        };
      }
      // A string body is the description, in Telegram's error shape; an object is sent as it is.
      const description = typeof failure.body === "string" ? failure.body : (STATUS_CODES[failure.status] ?? "Error");
      return { status: failure.status, body: typeof failure.body === "object" ? failure.body : { ok: false, error_code: failure.status, description }, headers: failure.headers };
    },
  });

  const resetServer = server.reset;
  return Object.assign(server, {
    token,
    apiUrl: server.url,
    messages,
    blockChat: (chatId: string) => void blocked.add(chatId),
    reset() {
      resetServer();
      messages.length = 0;
      blocked.clear();
    },
  });
}

/**
 * Telegram's HTML parse mode: only its tags, properly nested; `<`, `>` and `&` outside tags and
 * entities must be escaped (https://core.telegram.org/bots/api#html-style). Returns the text
 * the user sees, or Telegram's wording of the first problem.
 */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  let text = "";
  let i = 0;
  const offset = (index: number) => Buffer.byteLength(html.slice(0, index));
  while (i < html.length) {
    const char = html[i]!;
    if (char === "<") {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))*)\s*>/.exec(html.slice(i));
      if (!tag) return { error: `Unexpected end of name token at byte offset ${offset(i)}` };
      const [whole, closing, rawName] = tag as unknown as [string, string, string];
      const name = rawName.toLowerCase();
      if (!SUPPORTED_TAGS.has(name)) return { error: `Unsupported start tag "${name}" at byte offset ${offset(i)}` };
      if (closing) {
        const open = stack.pop();
        if (open !== name) return { error: `Unmatched end tag at byte offset ${offset(i)}, expected "</${open ?? ""}>", found "</${name}>"` };
      } else {
        stack.push(name);
      }
      i += whole.length;
    } else if (char === "&") {
      const entity = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/.exec(html.slice(i));
      if (!entity) return { error: `Can't find end of the entity starting at byte offset ${offset(i)}` };
      const name = entity[1]!;
      text +=
        name === "lt"
          ? "<"
          : name === "gt"
            ? ">"
            : name === "amp"
              ? "&"
              : name === "quot"
                ? '"'
                : String.fromCodePoint(name.startsWith("#x") ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)));
      i += entity[0].length;
    } else if (char === ">") {
      return { error: `Unexpected end tag at byte offset ${offset(i)}` };
    } else {
      text += char;
      i++;
    }
  }
  if (stack.length) return { error: `Can't find end tag corresponding to start tag "${stack[stack.length - 1]}"` };
  return { text };
}
