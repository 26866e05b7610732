import { env as loadEnv, type Env } from "@/env";
import { createAuth, type Auth } from "@/server/auth/auth";
import { createDb, type Db } from "@/server/db/db";
import { createLogger, type Logger } from "@/server/log/logger";
import { createMailer, type Mailer } from "@/server/mail/mailer";
import { createThrottle, type Throttle } from "@/server/security/throttle";

/** Everything long-lived the process owns, built once from the validated env. */
export type Services = { env: Env; db: Db; logger: Logger; mailer: Mailer; auth: Auth; throttle: Throttle };

export function createServices(env: Env, overrides: Partial<Pick<Services, "logger" | "mailer">> = {}): Services {
  const logger = overrides.logger ?? createLogger(env.LOG_LEVEL);
  const db = createDb(env.database, (err) => logger.warn({ err }, "idle database connection closed by the server"));
  const mailer = overrides.mailer ?? createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, db, logger });
  const auth = createAuth({ env, db, mailer, logger });
  const throttle = createThrottle({
    windowMs: env.AUTH_THROTTLE_WINDOW_SECONDS * 1000,
    ipMax: env.AUTH_THROTTLE_IP_MAX,
    accountMax: env.AUTH_THROTTLE_ACCOUNT_MAX,
  });
  return { env, db, logger, mailer, auth, throttle };
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
  await s.db.destroy();
}
