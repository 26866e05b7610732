import { betterAuth, type BetterAuthOptions } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx, sendVerificationEmailFn } from "better-auth/api";
import { genericOAuth, magicLink } from "better-auth/plugins";
import type { Env } from "@/env";
import { isSuspendedIdentity, recordSignIn, SUSPENDED_SIGN_IN_MESSAGE } from "@/server/admin/admin.service";
import type { Db } from "@/server/db/db";
import { newId } from "@/server/db/id";
import type { Logger } from "@/server/log/logger";
import type { Mailer } from "@/server/mail/mailer";
import { authMails } from "@/server/mail/templates";
import { connectDiscordAccount } from "@/server/notification/notification.service";
import { findUserByExternalId } from "@/server/user/user.queries";
import { deleteAppUser, ensureAppUser, syncUserProfile } from "@/server/user/user.service";
import { hashPassword, passwordProblem, verifyPassword } from "./password";
import { ABSOLUTE_SESSION_LIFETIME_MS, CLIENT_IP_HEADER } from "./session-policy";

export type AuthDeps = {
  env: Env;
  db: Db;
  mailer: Mailer;
  logger: Logger;
  /** Stamps the PingPilot user rows written from Better Auth's hooks. */
  clock: () => Date;
  /** Told after an auth user is deleted (by its id), so its API keys stop at once on every instance. */
  /** Workspaces deleted with an account: their cached API keys must go on every instance. */
  onWorkspacesDeleted?: (workspaceIds: string[]) => Promise<void>;
};

/** Better Auth's four tables use the same snake_case as the rest of the schema. */
const timestamps = { createdAt: "created_at", updatedAt: "updated_at" } as const;
const tableNames = {
  user: { modelName: "auth_user", fields: { emailVerified: "email_verified", ...timestamps } },
  session: {
    modelName: "auth_session",
    fields: { userId: "user_id", expiresAt: "expires_at", ipAddress: "ip_address", userAgent: "user_agent", ...timestamps },
  },
  account: {
    modelName: "auth_account",
    fields: {
      userId: "user_id",
      accountId: "account_id",
      providerId: "provider_id",
      accessToken: "access_token",
      refreshToken: "refresh_token",
      accessTokenExpiresAt: "access_token_expires_at",
      refreshTokenExpiresAt: "refresh_token_expires_at",
      idToken: "id_token",
      ...timestamps,
    },
  },
  verification: { modelName: "auth_verification", fields: { expiresAt: "expires_at", ...timestamps } },
} as const;

/** Paths whose body carries a new password (sign-up, reset, change). */
const NEW_PASSWORD_FIELD: Record<string, "password" | "newPassword"> = {
  "/sign-up/email": "password",
  "/reset-password": "newPassword",
  "/change-password": "newPassword",
};

/** Whether a verification token is the second step of an email change (it names the address to move to). */
function isEmailChangeToken(token: string) {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as { requestType?: unknown };
    return payload.requestType === "change-email-verification";
  } catch {
    return false;
  }
}

/**
 * An unverified address cannot confirm a change, and without that confirmation a stolen
 * session could move the account to another mailbox: verify the current address first
 * (a fresh link is sent to it).
 */
async function requireVerifiedCurrentEmail(ctx: Parameters<Parameters<typeof createAuthMiddleware>[0]>[0]) {
  const session = await getSessionFromCtx(ctx);
  if (!session || session.user.emailVerified) return;
  await sendVerificationEmailFn(ctx, session.user);
  throw new APIError("FORBIDDEN", {
    code: "CURRENT_EMAIL_NOT_VERIFIED",
    message: `Confirm your current email first: we sent a new link to ${session.user.email}. Then you can change it.`,
  });
}

export function createAuth({ env, db, mailer, logger, clock, onWorkspacesDeleted }: AuthDeps) {
  const removeAppUser = async (authUserId: string) => {
    const deleted = await deleteAppUser(db, authUserId);
    await onWorkspacesDeleted?.(deleted);
  };
  const send = (to: string, mail: { subject: string; text: string; html: string }) => mailer.send({ to, ...mail });
  const { oauth } = env;

  const options = {
    appName: "PingPilot",
    baseURL: env.APP_URL,
    basePath: "/api/auth",
    secret: env.AUTH_SECRET,
    database: { db, type: env.database.dialect },
    // No outside service: nothing is reported anywhere.
    telemetry: { enabled: false },
    verification: tableNames.verification,
    user: {
      ...tableNames.user,
      // A session alone cannot move the account: the current (verified) address confirms first,
      // then the new one verifies, then the change applies and the old address is told.
      changeEmail: {
        enabled: true,
        sendChangeEmailConfirmation: async ({ user, newEmail, url }) => send(user.email, authMails.confirmEmailChange(url, newEmail)),
      },
      deleteUser: {
        enabled: true,
        afterDelete: async (user) => {
          await removeAppUser(user.id);
        },
      },
    },
    session: {
      ...tableNames.session,
      // 7 days of inactivity ends a session; any use after a day extends it (sliding refresh).
      expiresIn: 7 * 24 * 60 * 60,
      updateAge: 24 * 60 * 60,
      // Deleting the account needs a sign-in from the last 10 minutes.
      freshAge: 10 * 60,
      // No cookie cache: a revoked session must stop working on the next request.
      cookieCache: { enabled: false },
    },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 12,
      maxPasswordLength: 128,
      password: { hash: hashPassword, verify: verifyPassword },
      // A reset proves control of the mailbox; every other session could be an intruder's.
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      sendResetPassword: async ({ user, url }) => send(user.email, authMails.resetPassword(url)),
      // Sign-up never signs in, so a taken address answers exactly like a new one; the owner
      // is mailed instead. The sign-up form signs in right after with the same password.
      autoSignIn: false,
      onExistingUserSignUp: async ({ user }) => send(user.email, authMails.signUpAttempt(`${env.APP_URL}/sign-in`, `${env.APP_URL}/forgot-password`)),
    },
    emailVerification: {
      // Verification gates email notifications, not signing in.
      sendOnSignUp: true,
      autoSignInAfterVerification: true,
      sendVerificationEmail: async ({ user, url, token }) => send(user.email, isEmailChangeToken(token) ? authMails.verifyNewEmail(url, user.email) : authMails.verifyEmail(url)),
    },
    socialProviders: {
      ...(oauth.github && { github: oauth.github }),
      ...(oauth.google && { google: oauth.google }),
      ...(oauth.discord && { discord: oauth.discord }),
    },
    account: {
      ...tableNames.account,
      // OAuth sign-in with a verified email joins the existing account of that email.
      accountLinking: { enabled: true },
      // Provider tokens at rest are encrypted with AUTH_SECRET.
      encryptOAuthTokens: true,
    },
    plugins: [
      magicLink({
        expiresIn: 10 * 60,
        // Only the hash is stored: a database reader cannot use a pending link.
        storeToken: "hashed",
        sendMagicLink: async ({ email, url }) => send(email, authMails.magicLink(url)),
      }),
      ...(oauth.oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: "oidc",
                  name: oauth.oidc.name,
                  discoveryUrl: `${oauth.oidc.issuer}/.well-known/openid-configuration`,
                  clientId: oauth.oidc.clientId,
                  clientSecret: oauth.oidc.clientSecret,
                  scopes: ["openid", "email", "profile"],
                  pkce: true,
                },
              ],
            }),
          ]
        : []),
    ],
    // PingPilot throttles auth itself (per IP and per account, with Retry-After), in the HTTP layer.
    rateLimit: { enabled: false },
    advanced: {
      cookiePrefix: "pingpilot",
      // Better Auth turns origin/CSRF checks off by itself under NODE_ENV=test; keep them on everywhere.
      disableOriginCheck: false,
      disableCSRFCheck: false,
      // The HTTP layer writes the client address here after applying TRUST_PROXY, and strips any client-sent copy.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // Sortable ids everywhere (UUIDv7).
      database: { generateId: () => newId() },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/change-email") await requireVerifiedCurrentEmail(ctx);
        const field = NEW_PASSWORD_FIELD[ctx.path];
        const password = field ? (ctx.body as Record<string, unknown> | undefined)?.[field] : undefined;
        if (typeof password !== "string") return;
        const problem = passwordProblem(password);
        if (problem) throw new APIError("BAD_REQUEST", { message: problem, code: "WEAK_PASSWORD" });
      }),
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            try {
              await ensureAppUser(db, { externalId: user.id, email: user.email, name: user.name }, env.DEFAULT_PLAN, clock());
            } catch (error) {
              // Completed on the user's next request (getCurrentUser), so sign-up itself still succeeds.
              logger.error({ err: error, userId: user.id }, "creating the PingPilot user failed; it will be retried");
            }
          },
        },
        update: {
          after: async (user) => {
            // The app user still holds the previous address: tell it the account moved.
            const previous = (await findUserByExternalId(db, user.id))?.email;
            if (previous && previous.toLowerCase() !== user.email.toLowerCase()) {
              await send(previous, authMails.emailChanged(user.email, env.APP_URL)).catch((err: unknown) =>
                logger.error({ err, userId: user.id }, "telling the previous address about an email change failed"),
              );
            }
            await syncUserProfile(db, user.id, { email: user.email, name: user.name }, clock());
          },
        },
        delete: {
          // Runs after the deletion commits, on every path that deletes an auth user: the app
          // data goes too (idempotent beside deleteUser.afterDelete), then the cached API keys of
          // the workspaces it owned are evicted on every instance; they would otherwise work until
          // the cache TTL.
          after: async (user) => {
            await removeAppUser(user.id);
          },
        },
      },
      account: {
        create: {
          // Signing in with Discord proves the Discord ID: it becomes the DM channel's verified recipient.
          after: async (account) => {
            if (account.providerId !== "discord") return;
            const user = await findUserByExternalId(db, account.userId);
            if (user) await connectDiscordAccount(db, user.id, account.accountId, clock());
          },
        },
      },
      session: {
        create: {
          // A suspended account gets no session, whichever way it signs in (password, magic link,
          // OAuth, verification link). Checked here, after the credentials, so the refusal tells
          // nothing to someone without them. Links opened in the browser land on the sign-in page.
          before: async (session, ctx) => {
            if (!(await isSuspendedIdentity(db, session.userId))) return;
            if (ctx?.request?.method === "GET") throw ctx.redirect(`${env.APP_URL}/sign-in?error=ACCOUNT_SUSPENDED`);
            throw APIError.from("FORBIDDEN", { code: "ACCOUNT_SUSPENDED", message: SUSPENDED_SIGN_IN_MESSAGE });
          },
          // Signing in replaces the session of the cookie the browser came with.
          after: async (session, ctx) => {
            await recordSignIn(db, session.userId, clock()).catch((err: unknown) => logger.warn({ err }, "recording the sign-in time failed"));
            if (!ctx) return;
            const previous = await ctx.getSignedCookie(ctx.context.authCookies.sessionToken.name, ctx.context.secret);
            if (previous && previous !== session.token) await ctx.context.internalAdapter.deleteSession(previous);
          },
        },
        update: {
          // Sliding refresh never extends a session past 30 days from its creation.
          before: async (data, ctx) => {
            const createdAt = ctx?.context.session?.session.createdAt;
            if (!createdAt || !(data.expiresAt instanceof Date)) return;
            const cap = new Date(new Date(createdAt).getTime() + ABSOLUTE_SESSION_LIFETIME_MS);
            if (data.expiresAt > cap) return { data: { ...data, expiresAt: cap } };
          },
        },
      },
    },
    logger: {
      log: (level, message, ...args) => {
        const log = level === "error" ? logger.error : level === "warn" ? logger.warn : logger.debug;
        log.call(logger, { component: "auth", args: args.length ? String(args[0]) : undefined }, message);
      },
    },
  } satisfies BetterAuthOptions;

  return betterAuth(options);
}

export type Auth = ReturnType<typeof createAuth>;

/** Which sign-in buttons the pages show: only configured providers. */
export function configuredProviders(env: Env) {
  const list: { id: string; name: string; kind: "social" | "oidc" }[] = [];
  if (env.oauth.github) list.push({ id: "github", name: "GitHub", kind: "social" });
  if (env.oauth.google) list.push({ id: "google", name: "Google", kind: "social" });
  if (env.oauth.discord) list.push({ id: "discord", name: "Discord", kind: "social" });
  if (env.oauth.oidc) list.push({ id: "oidc", name: env.oauth.oidc.name, kind: "oidc" });
  return list;
}
