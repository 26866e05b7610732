/** What both Discord channels need to talk to the Discord REST API and read its errors. */

/**
 * Discord's error body `{ message, code, errors }` as one line, e.g.
 * "Invalid Form Body (code 50035): embeds.0.title: Must be 256 or fewer in length."
 */
export function discordReason(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as { message?: unknown; code?: unknown; errors?: unknown };
    if (typeof json.message !== "string") return undefined;
    const code = typeof json.code === "number" && json.code !== 0 ? ` (code ${json.code})` : "";
    const detail = firstFormError(json.errors);
    return `${json.message}${code}${detail ? `: ${detail}` : ""}`;
  } catch {
    return undefined;
  }
}

/** Discord nests form errors by path: `{ embeds: { 0: { title: { _errors: [{ message }] } } } }`. */
function firstFormError(errors: unknown, path: string[] = []): string | undefined {
  if (!errors || typeof errors !== "object") return undefined;
  const own = (errors as { _errors?: Array<{ message?: string }> })._errors;
  if (Array.isArray(own) && own[0]?.message) return path.length ? `${path.join(".")}: ${own[0].message}` : own[0].message;
  for (const [key, value] of Object.entries(errors)) {
    if (key === "_errors") continue;
    const found = firstFormError(value, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Discord asks API clients to identify themselves as `DiscordBot ($url, $version)`; the URL is this instance. */
export const discordUserAgent = (eventUrl: string) => `DiscordBot (${new URL(eventUrl).origin}, 0.1.0)`;

export type DiscordBot = { botToken?: string; apiUrl: string };

/** A POST to the Discord REST API as the server's bot. */
export function discordBotPost(bot: DiscordBot & { botToken: string }, doFetch: typeof fetch, path: string, body: unknown, appUrl: string) {
  return doFetch(`${bot.apiUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bot ${bot.botToken}`, "content-type": "application/json", "user-agent": discordUserAgent(appUrl) },
    body: JSON.stringify(body),
  });
}

/** Opens (or finds) the bot's DM channel with a Discord user: https://discord.com/developers/docs/resources/user#create-dm */
export async function openDiscordDmChannel(bot: DiscordBot & { botToken: string }, doFetch: typeof fetch, recipientId: string, appUrl: string) {
  const res = await discordBotPost(bot, doFetch, "/users/@me/channels", { recipient_id: recipientId }, appUrl);
  if (!res.ok) return { ok: false as const, res };
  return { ok: true as const, channelId: ((await res.json()) as { id: string }).id };
}
