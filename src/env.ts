/**
 * The only reader of process.env. Every variable is validated once, with one clear
 * message per problem, so a misconfigured deployment fails at startup instead of in a
 * redirect loop later.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "@/server/security/trust-proxy";

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1"));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const optionalUrl = z.url().optional();

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_URL: z
    .url({ message: "APP_URL must be an absolute URL such as http://localhost:3000" })
    .default("http://localhost:3000")
    .transform((v) => v.replace(/\/+$/, "")),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The address to listen on. Behind a reverse proxy on the same host, 127.0.0.1 keeps the port off the network. */
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^(postgres(ql)?:\/\/|file:|sqlite:)/.test(v) || !v.includes("://"), {
      message: "DATABASE_URL must be postgres://… or a SQLite file path",
    }),
  /** PostgreSQL connections per process (web or worker); the server's max_connections bounds the sum over instances. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  DATA_DIR: z.string().default("./data"),
  AUTH_SECRET: z.string().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("PingPilot <no-reply@pingpilot.local>"),
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  DISCORD_CLIENT_ID: z.string().optional(),
  DISCORD_CLIENT_SECRET: z.string().optional(),
  OIDC_ISSUER: optionalUrl,
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default("Single sign-on"),
  DISCORD_BOT_TOKEN: z.string().optional(),
  DISCORD_API_URL: z
    .url()
    .default("https://discord.com/api/v10")
    .transform((v) => v.replace(/\/+$/, "")),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().optional(),
  TELEGRAM_API_URL: z
    .url()
    .default("https://api.telegram.org")
    .transform((v) => v.replace(/\/+$/, "")),
  WHATSAPP_TOKEN: z.string().optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().optional(),
  WHATSAPP_API_URL: z
    .url()
    .default("https://graph.facebook.com/v21.0")
    .transform((v) => v.replace(/\/+$/, "")),
  /** Slack incoming-webhook URLs are accepted only under `${this}/services/…` (and Slack's own hosts); set it for a local fake. */
  SLACK_WEBHOOK_URL_BASE: z
    .url()
    .default("https://hooks.slack.com")
    .transform((v) => v.replace(/\/+$/, "")),
  /** How long a worker holds a claimed delivery; after a crash its deliveries are retried once this runs out. */
  DELIVERY_LEASE_SECONDS: positiveInt(60),
  /** Name recorded on the deliveries a worker claims (default host:pid). */
  WORKER_ID: z.string().max(100).optional(),
  /** Allow http:// (not only https://) for user-supplied webhook URLs. Relaxes the scheme only, never the address check. */
  ALLOW_INSECURE_WEBHOOK_URLS: bool(false),
  /** Let user-supplied URLs reach loopback, private and link-local addresses (an intranet, or tests with local receivers). */
  ALLOW_PRIVATE_WEBHOOK_TARGETS: bool(false),
  /** The dev mailbox (SMTP_URL unset) at /dev/mailbox, opened only with the per-start token printed in the log. */
  DEV_MAILBOX: bool(true),
  DEFAULT_PLAN: z.enum(["FREE", "PRO", "ENTERPRISE"]).default("PRO"),
  /** Billing (Stripe) is on when this is set; off and nothing changes otherwise. */
  STRIPE_SECRET_KEY: z.string().optional(),
  /** The signing secret (whsec_…) of the webhook endpoint {APP_URL}/api/webhooks/stripe. */
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Points the Stripe library at another server (a local fake in tests); default Stripe's own API. */
  STRIPE_API_URL: z
    .url({ message: "STRIPE_API_URL must be an absolute URL such as http://127.0.0.1:4016" })
    .optional()
    .transform((v) => v?.replace(/\/+$/, "")),
  /** Monthly price ids (price_…) of the paid plans. */
  STRIPE_PRICE_PRO: z.string().optional(),
  STRIPE_PRICE_ENTERPRISE: z.string().optional(),
  /** After a failed payment the paid plan stays this long (with a banner), then the workspace is on FREE until it is paid. Default 7 days. */
  BILLING_GRACE_SECONDS: positiveInt(7 * 24 * 60 * 60),
  /** How often the worker applies the billing changes due by the clock (period ends after a cancellation, grace ends). Default 5 minutes. */
  BILLING_SWEEP_INTERVAL_SECONDS: positiveInt(5 * 60),
  /** Operators: comma-separated emails whose accounts, once the address is verified, may use /admin. Stored lowercase. */
  ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.email({ message: "ADMIN_EMAILS must be a comma-separated list of email addresses" }))),
  WORKER: bool(true),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * Which reverse proxies may tell the client address (X-Forwarded-For, read from the right):
   * false (the socket address), a hop count, or a comma-separated list of proxy addresses/CIDRs.
   */
  TRUST_PROXY: z.string().default("false"),
  /** Override the event/category limits of DEFAULT_PLAN (self-hosted, billing off). */
  PLAN_EVENT_LIMIT: z.coerce.number().int().positive().optional(),
  PLAN_CATEGORY_LIMIT: z.coerce.number().int().positive().optional(),
  /** Override how many days raw events of DEFAULT_PLAN are kept (its plan's: PRO 365); daily rollups are kept regardless. */
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1, { message: "EVENT_RETENTION_DAYS must be a whole number of days, at least 1" }).max(36_500).optional(),
  /** Public API rate limit per API key: sustained requests per second and burst size (token bucket). */
  API_RATE_LIMIT_PER_SECOND: positiveInt(20),
  API_RATE_LIMIT_BURST: positiveInt(40),
  /**
   * Group commit of the ingest API: the events that arrive together are stored in one
   * transaction (each answered after it commits, each with its own outcome). false: one
   * transaction per event.
   */
  INGEST_GROUP_COMMIT: bool(true),
  /** Auth throttling: attempts allowed per window, per client IP and per account (email). */
  AUTH_THROTTLE_WINDOW_SECONDS: positiveInt(15 * 60),
  AUTH_THROTTLE_IP_MAX: positiveInt(30),
  AUTH_THROTTLE_ACCOUNT_MAX: positiveInt(5),
  /** Bearer token for GET /metrics (Prometheus). Unset: /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16, { message: "METRICS_TOKEN must be at least 16 characters when set (try: openssl rand -hex 32), or leave it unset to turn /metrics off" }).optional(),
});

export type Env = Omit<z.infer<typeof schema>, "TRUST_PROXY"> & {
  /** TRUST_PROXY, parsed. */
  TRUST_PROXY: TrustProxy;
  AUTH_SECRET: string;
  /** True when AUTH_SECRET was generated and stored in DATA_DIR rather than configured. */
  authSecretGenerated: boolean;
  database: { dialect: "sqlite"; file: string } | { dialect: "postgres"; url: string; poolMax: number };
  oauth: OAuthConfig;
};

export type OAuthConfig = {
  github?: { clientId: string; clientSecret: string };
  google?: { clientId: string; clientSecret: string };
  discord?: { clientId: string; clientSecret: string };
  oidc?: { issuer: string; clientId: string; clientSecret: string; name: string };
};

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`PingPilot cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** A configured secret must look random: long, and not one character class repeated. */
export function weakSecretReason(secret: string): string | undefined {
  if (secret.length < 32) return `AUTH_SECRET is ${secret.length} characters; it needs at least 32 random characters (try: openssl rand -base64 32)`;
  if (new Set(secret).size < 12) return "AUTH_SECRET repeats too few distinct characters to be random (try: openssl rand -base64 32)";
  if (/^(.{1,8})\1+$/.test(secret)) return "AUTH_SECRET is a repeated pattern, not a random value (try: openssl rand -base64 32)";
  return undefined;
}

function pair(id: string | undefined, secret: string | undefined, name: string, problems: string[]) {
  if (!id && !secret) return undefined;
  if (!id || !secret) {
    problems.push(`${name}_CLIENT_ID and ${name}_CLIENT_SECRET must be set together (only one is set)`);
    return undefined;
  }
  return { clientId: id, clientSecret: secret };
}

function resolveAuthSecret(configured: string | undefined, dataDir: string, problems: string[]) {
  if (configured !== undefined) {
    const reason = weakSecretReason(configured);
    if (reason) problems.push(reason);
    return { secret: configured, generated: false };
  }
  const file = join(dataDir, "auth-secret");
  if (existsSync(file)) return { secret: readFileSync(file, "utf8").trim(), generated: true };
  const secret = randomBytes(32).toString("base64url");
  mkdirSync(dataDir, { recursive: true });
  // Owner-only: the secret signs every session cookie.
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secret, generated: true };
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const blankToUndefined = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v === "" ? undefined : v]));
  const parsed = schema.safeParse(blankToUndefined);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const raw = parsed.data;
  const problems: string[] = [];
  const dataDir = resolve(raw.DATA_DIR);

  const url = raw.DATABASE_URL;
  const database: Env["database"] =
    url && /^postgres(ql)?:\/\//.test(url)
      ? { dialect: "postgres", url, poolMax: raw.DATABASE_POOL_MAX }
      : { dialect: "sqlite", file: resolve(url ? url.replace(/^(file:|sqlite:)(\/\/)?/, "") : join(dataDir, "pingpilot.db")) };
  if (database.dialect === "sqlite") mkdirSync(dirname(database.file), { recursive: true });

  const oauth: OAuthConfig = {
    github: pair(raw.GITHUB_CLIENT_ID, raw.GITHUB_CLIENT_SECRET, "GITHUB", problems),
    google: pair(raw.GOOGLE_CLIENT_ID, raw.GOOGLE_CLIENT_SECRET, "GOOGLE", problems),
    discord: pair(raw.DISCORD_CLIENT_ID, raw.DISCORD_CLIENT_SECRET, "DISCORD", problems),
  };
  const oidc = pair(raw.OIDC_CLIENT_ID, raw.OIDC_CLIENT_SECRET, "OIDC", problems);
  if (oidc && !raw.OIDC_ISSUER) problems.push("OIDC_ISSUER is required when OIDC_CLIENT_ID is set");
  if (oidc && raw.OIDC_ISSUER) oauth.oidc = { ...oidc, issuer: raw.OIDC_ISSUER.replace(/\/+$/, ""), name: raw.OIDC_NAME };

  if (raw.SMTP_URL && !/^smtps?:\/\//.test(raw.SMTP_URL)) problems.push("SMTP_URL must start with smtp:// or smtps://");

  if (raw.STRIPE_SECRET_KEY) {
    if (!raw.STRIPE_WEBHOOK_SECRET) problems.push("STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set (the signing secret, whsec_…, of the webhook to {APP_URL}/api/webhooks/stripe)");
    if (!raw.STRIPE_PRICE_PRO) problems.push("STRIPE_PRICE_PRO is required when STRIPE_SECRET_KEY is set (the monthly price id, price_…, of the PRO plan)");
    if (!raw.STRIPE_PRICE_ENTERPRISE) problems.push("STRIPE_PRICE_ENTERPRISE is required when STRIPE_SECRET_KEY is set (the monthly price id, price_…, of the ENTERPRISE plan)");
    if (raw.STRIPE_PRICE_PRO && raw.STRIPE_PRICE_PRO === raw.STRIPE_PRICE_ENTERPRISE) problems.push("STRIPE_PRICE_PRO and STRIPE_PRICE_ENTERPRISE must be different prices");
    // With billing on, a new workspace starts on FREE and upgrades through Checkout, unless DEFAULT_PLAN says otherwise.
    if (blankToUndefined.DEFAULT_PLAN === undefined) raw.DEFAULT_PLAN = "FREE";
  }

  const trustProxy = parseTrustProxy(raw.TRUST_PROXY);
  if (typeof trustProxy === "string") problems.push(`TRUST_PROXY: ${trustProxy}`);

  const { secret, generated } = resolveAuthSecret(raw.AUTH_SECRET, dataDir, problems);
  if (problems.length || typeof trustProxy === "string") throw new EnvError(problems);
  return { ...raw, TRUST_PROXY: trustProxy, DATA_DIR: dataDir, AUTH_SECRET: secret, authSecretGenerated: generated, database, oauth };
}

const ENV_KEY = Symbol.for("pingpilot.env");
type EnvHolder = { [ENV_KEY]?: Env };

/** The validated environment, parsed once per process (shared by the server and the Next.js bundle). */
export function env(): Env {
  const holder = globalThis as EnvHolder;
  return (holder[ENV_KEY] ??= parseEnv(process.env));
}

/** Tests build isolated app instances with their own configuration. */
export function setEnvForProcess(value: Env) {
  (globalThis as EnvHolder)[ENV_KEY] = value;
}

/** For process entry points: the environment, or one clear message and exit code 1. */
export function envOrExit(): Env {
  try {
    return env();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
