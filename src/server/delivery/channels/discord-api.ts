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
