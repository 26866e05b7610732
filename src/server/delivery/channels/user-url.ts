/**
 * The rules for the three channels whose destination is a URL the user typed: the same checks
 * when the URL is saved and every time it is used, so a URL saved under a more permissive
 * setting stops working once the setting is turned off.
 */
import type { Env } from "@/env";
import { checkOutboundUrl, outboundUrlProblem, type OutboundPolicy, type Resolve } from "@/server/security/outbound";

export const USER_URL_CHANNELS = ["webhook", "slack", "discord_webhook"] as const;
export type UserUrlChannel = (typeof USER_URL_CHANNELS)[number];
export const isUserUrlChannel = (channel: string): channel is UserUrlChannel => (USER_URL_CHANNELS as readonly string[]).includes(channel);

export type UserUrlPolicy = OutboundPolicy & {
  /** Slack incoming webhooks live under `${base}/services/…` (SLACK_WEBHOOK_URL_BASE, for local fakes). */
  slackBase: string;
  /** Discord webhooks are also accepted on the origin of DISCORD_API_URL (local fakes). */
  discordApiUrl: string;
};

export function userUrlPolicy(env: Env): UserUrlPolicy {
  return {
    allowInsecure: env.ALLOW_INSECURE_WEBHOOK_URLS,
    allowPrivate: env.ALLOW_PRIVATE_WEBHOOK_TARGETS,
    slackBase: env.SLACK_WEBHOOK_URL_BASE,
    discordApiUrl: env.DISCORD_API_URL,
  };
}

const SLACK_BASES = ["https://hooks.slack.com", "https://hooks.slack-gov.com"];
const DISCORD_ORIGINS = ["https://discord.com", "https://discordapp.com", "https://ptb.discord.com", "https://canary.discord.com"];
const DISCORD_WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/\d+\/[\w-]+\/?$/;

function parse(url: string) {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function isSlackWebhook(url: URL, policy: UserUrlPolicy) {
  return [...SLACK_BASES, policy.slackBase].some((base) => {
    const b = new URL(base);
    const prefix = `${b.pathname.replace(/\/+$/, "")}/services/`;
    return url.origin === b.origin && url.pathname.startsWith(prefix) && url.pathname.length > prefix.length;
  });
}

function isDiscordWebhook(url: URL, policy: UserUrlPolicy) {
  const origins = [...DISCORD_ORIGINS, new URL(policy.discordApiUrl).origin];
  return origins.includes(url.origin) && DISCORD_WEBHOOK_PATH.test(url.pathname);
}

/** The provider's own host for Slack and Discord webhooks (any public URL for the generic webhook). */
function providerProblem(channel: UserUrlChannel, url: URL, policy: UserUrlPolicy): string | null {
  if (channel === "slack" && !isSlackWebhook(url, policy)) return "Use the incoming-webhook URL Slack gave you: https://hooks.slack.com/services/…";
  if (channel === "discord_webhook" && !isDiscordWebhook(url, policy)) return "Use the webhook URL Discord gave you: https://discord.com/api/webhooks/…";
  return null;
}

/** What is wrong with this URL for this channel right now, without a network lookup; null when it may be used. */
export function userUrlProblem(channel: UserUrlChannel, url: unknown, policy: UserUrlPolicy): string | null {
  const parsed = typeof url === "string" ? parse(url) : undefined;
  if (!parsed) return "Use a full URL like https://…";
  return outboundUrlProblem(parsed, policy) ?? providerProblem(channel, parsed, policy);
}

/** The check at save: the rules above, then where the host name resolves to today. */
export async function checkUserUrl(channel: UserUrlChannel, url: string, policy: UserUrlPolicy, resolve?: Resolve): Promise<string | null> {
  return userUrlProblem(channel, url, policy) ?? (await checkOutboundUrl(url, policy, resolve));
}
