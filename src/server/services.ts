import { env as loadEnv, type Env } from "@/env";
import { createApiKeyCache, type ApiKeyCache } from "@/server/api-key/api-key.cache";
import { createAuth, type Auth } from "@/server/auth/auth";
import { createStripeClient, type StripeClient } from "@/server/billing/stripe.client";
import { createDb, type Db } from "@/server/db/db";
import { createLogger, type Logger } from "@/server/log/logger";
import { createMailer, type Mailer } from "@/server/mail/mailer";
import { createMetrics, type Metrics } from "@/server/metrics/metrics";
import { createRealtimeBus, type RealtimeBus } from "@/server/realtime/realtime.bus";
import { createPgApiKeyRateLimiter, createPgRateLimiter, createPgThrottle } from "@/server/security/limits.postgres";
import { createRateLimiter, type ApiKeyRateLimiter, type RateLimiter } from "@/server/security/rate-limit";
import { createThrottle, type Throttle } from "@/server/security/throttle";

/** Everything long-lived the process owns, built once from the validated env. */
export type Services = {
  env: Env;
  db: Db;
  logger: Logger;
  mailer: Mailer;
  auth: Auth;
  throttle: Throttle;
  rateLimiter: ApiKeyRateLimiter;
  /** "Send test" per user: each one makes the server send a request where the user says. */
  sendTestLimiter: RateLimiter;
  /** Workspace invitations, per workspace and per inviting user: each one sends a mail. */
  inviteLimiter: RateLimiter;
  apiKeyCache: ApiKeyCache;
  /** The current time; tests inject their own (month rollover, expiries). */
  clock: () => Date;
  /** Rung after an event with deliveries commits; the in-process worker listens. */
  deliveryBell: Bell;
  /** Rung after events commit (per workspace and category) or monitors change; the in-process monitor job listens. */
  monitorBell: MonitorBell;
  /** Ping URLs (monitors), per token and per client address for unknown tokens. */
  pingLimiter: RateLimiter;
  /** Live messages to the signed-in browsers of a user (SSE). */
  realtime: RealtimeBus;
  /** Prometheus metrics of this instance (its own registry), served at /metrics. */
  metrics: Metrics;
  /** The Stripe client; null while billing is off (no STRIPE_SECRET_KEY). */
  stripe: StripeClient | null;
};

export type Bell = { ring(): void; listen(fn: () => void): void };

/** `category` undefined: the workspace's monitors changed. `eventId`: the newest event of the category it rings for. */
export type MonitorSignal = { workspaceId: string; category?: string; eventId?: string };
export type MonitorBell = { ring(signal: MonitorSignal): void; listen(fn: (signal: MonitorSignal) => void): () => void };

function createMonitorBell(): MonitorBell {
  const listeners = new Set<(signal: MonitorSignal) => void>();
  return {
    ring: (signal) => {
      for (const fn of listeners) fn(signal);
    },
    listen: (fn) => {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}

function createBell(): Bell {
  const listeners: (() => void)[] = [];
  return {
    ring: () => {
      for (const fn of listeners) fn();
    },
    listen: (fn) => void listeners.push(fn),
  };
}

/** Revocations evict at once everywhere; this only bounds a stale entry if that message is lost. */
const API_KEY_CACHE_TTL_MS = 30_000;

/** Test notifications per user: a burst of this many, then one every 60/N seconds. */
const SEND_TESTS_PER_MINUTE = 5;

/** Invitations: a burst of this many, then one every 60/N minutes. */
const INVITATIONS_PER_HOUR = 20;

/** Ping URLs: a burst of this many, then one a second (a cron job pings a few times per run at most). */
const PING_BURST = 20;

export function createServices(env: Env, overrides: Partial<Pick<Services, "logger" | "mailer" | "clock">> = {}): Services {
  const logger = overrides.logger ?? createLogger(env.LOG_LEVEL);
  const db = createDb(env.database, (err) => logger.warn({ err }, "idle database connection closed by the server"));
  const clock = overrides.clock ?? (() => new Date());
  const mailer = overrides.mailer ?? createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, db, logger, clock, devMailbox: env.DEV_MAILBOX });
  const now = () => clock().getTime();
  const realtime = createRealtimeBus(env, logger);
  const apiKeyCache = createApiKeyCache(API_KEY_CACHE_TTL_MS, { broadcast: realtime.broadcast, now });
  realtime.onInternal(apiKeyCache.apply);
  const auth = createAuth({ env, db, mailer, logger, clock, onWorkspacesDeleted: apiKeyCache.evictWorkspaces });
  const throttleLimits = { windowMs: env.AUTH_THROTTLE_WINDOW_SECONDS * 1000, ipMax: env.AUTH_THROTTLE_IP_MAX, accountMax: env.AUTH_THROTTLE_ACCOUNT_MAX };
  const apiRate = { perSecond: env.API_RATE_LIMIT_PER_SECOND, burst: env.API_RATE_LIMIT_BURST };
  const sendTestRate = { perSecond: SEND_TESTS_PER_MINUTE / 60, burst: SEND_TESTS_PER_MINUTE };
  const inviteRate = { perSecond: INVITATIONS_PER_HOUR / 3600, burst: INVITATIONS_PER_HOUR };
  // PostgreSQL may serve several instances: the limits are rows every instance shares. SQLite is
  // one process by design: they stay in memory.
  const shared = env.database.dialect === "postgres" ? { db, now, onError: (err: unknown) => logger.warn({ err }, "deleting expired rate-limit rows failed") } : undefined;
  const throttle = shared ? createPgThrottle(shared, throttleLimits) : createThrottle({ ...throttleLimits, now });
  const rateLimiter = shared ? createPgApiKeyRateLimiter(shared, apiRate) : createRateLimiter({ ...apiRate, now });
  const sendTestLimiter = shared ? createPgRateLimiter(shared, { ...sendTestRate, scope: "send-test" }) : createRateLimiter({ ...sendTestRate, now });
  const inviteLimiter = shared ? createPgRateLimiter(shared, { ...inviteRate, scope: "invite" }) : createRateLimiter({ ...inviteRate, now });
  const pingRate = { perSecond: 1, burst: PING_BURST };
  const pingLimiter = shared ? createPgRateLimiter(shared, { ...pingRate, scope: "ping" }) : createRateLimiter({ ...pingRate, now });
  const metrics = createMetrics({ db, clock, logger, processMetrics: Boolean(env.METRICS_TOKEN) });
  return {
    env,
    db,
    logger,
    mailer,
    auth,
    throttle,
    rateLimiter,
    sendTestLimiter,
    inviteLimiter,
    apiKeyCache,
    clock,
    deliveryBell: createBell(),
    monitorBell: createMonitorBell(),
    pingLimiter,
    realtime,
    stripe: createStripeClient(env),
    metrics,
  };
}

const KEY = Symbol.for("pingpilot.services");
type Holder = { [KEY]?: Services };

/**
 * The process-wide instance. main.ts registers it before Next.js starts, so pages (bundled
 * separately by Next) and the Hono app share one database pool, one auth and one throttle.
 */
export function services(): Services {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createServices(loadEnv()));
}

export function registerServices(s: Services) {
  (globalThis as Holder)[KEY] = s;
}

export async function closeServices(s: Services) {
  await s.realtime.close();
  await s.db.destroy();
}
