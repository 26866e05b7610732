import { parseEnv } from "@/env";
import { listWorkspacesOf, type WorkspaceAccess } from "@/server/workspace/workspace.service";
import { migrateToLatest } from "@/server/db/migrate";
import type { Database } from "@/server/db/types";
import { createApp } from "@/server/http/app";
import type { MailMessage, Mailer } from "@/server/mail/mailer";
import { closeServices, createServices, type Services } from "@/server/services";
import { createTestDatabase } from "./test-database";

export const TEST_ORIGIN = "http://localhost:3999";
export const STRONG_PASSWORD = "correct horse battery staple";
/**
 * Node server bindings of a request whose socket peer is a proxy on this host. There is no
 * socket stream to read the body from (`readableDidRead`), so it is read from the Request.
 */
const PROXY_PEER = { incoming: { socket: { remoteAddress: "127.0.0.1" }, readableDidRead: true } };

/** A mailer that keeps what it would send, for assertions. */
export function captureMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return { mode: "smtp", sent, send: async (m) => void sent.push(m) };
}

/**
 * With PINGPILOT_TEST_NOW (e.g. 2026-12-31T23:59:55Z), every app the tests start reads a clock
 * that begins at that instant and ticks on, so the suite runs across a month or year boundary
 * (`npm run test:boundaries`). Anything that reads the wall clock instead shows up as a failure.
 */
function boundaryClock(): (() => Date) | undefined {
  const start = process.env.PINGPILOT_TEST_NOW;
  if (!start) return undefined;
  const offset = Date.parse(start) - Date.now();
  if (!Number.isFinite(offset)) throw new Error(`PINGPILOT_TEST_NOW is not a date: ${start}`);
  return () => new Date(Date.now() + offset);
}

/** The clock a test's own parts (fake receivers, channel contexts) read: the boundary clock when set. */
export const testClock = (): (() => Date) => boundaryClock() ?? (() => new Date());

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/**
 * A PingPilot instance (services + Hono app) on a fresh database. Requests go through
 * app.request(), the same fetch handler the HTTP server uses.
 */
/** The validated env of a test instance on `database`, with `overrides` on top. */
export function testEnv(database: { url: string; dataDir: string }, overrides: Record<string, string> = {}) {
  return parseEnv({
    NODE_ENV: "test",
    APP_URL: TEST_ORIGIN,
    DATABASE_URL: database.url,
    DATA_DIR: database.dataDir,
    LOG_LEVEL: "silent",
    AUTH_SECRET: "test-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    ...overrides,
  });
}

export async function startTestApp(opts: { env?: Record<string, string>; clock?: { now: number } } = {}) {
  const database = await createTestDatabase();
  const env = testEnv(database, { TRUST_PROXY: "true", ...opts.env });
  const mailer = captureMailer();
  const clock = opts.clock;
  const ticking = boundaryClock();
  const services: Services = createServices(env, { mailer, ...(clock ? { clock: () => new Date(clock.now) } : ticking && { clock: ticking }) });
  await migrateToLatest(services.db);
  const app = createApp(services);
  let ipCounter = 0;

  /** Each call gets its own client address unless one is given, so per-IP throttling stays out of the way. */
  async function request(path: string, init: RequestInit & { ip?: string; cookie?: string } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    ipCounter++;
    headers.set("x-forwarded-for", init.ip ?? `10.${Math.floor(ipCounter / 62500) % 250}.${Math.floor(ipCounter / 250) % 250}.${ipCounter % 250}`);
    if (init.cookie) headers.set("cookie", init.cookie);
    if (init.method && init.method !== "GET" && !headers.has("origin")) headers.set("origin", TEST_ORIGIN);
    if (typeof init.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
    // As if through one reverse proxy on this host (TRUST_PROXY=1 here): the socket peer is loopback.
    return app.request(`${TEST_ORIGIN}${path}`, { ...init, headers }, PROXY_PEER);
  }

  const post = (path: string, body: unknown, init: Parameters<typeof request>[1] = {}) => request(path, { ...init, method: "POST", body: JSON.stringify(body) });

  async function signUp(email: string, password = STRONG_PASSWORD, name = "Test User") {
    const up = await post("/api/auth/sign-up/email", { email, password, name });
    if (up.status !== 200) throw new Error(`sign-up failed: ${up.status} ${await up.text()}`);
    // Sign-up never signs in (a taken address must answer the same); the form signs in next, like this.
    const res = await post("/api/auth/sign-in/email", { email, password });
    if (res.status !== 200) throw new Error(`sign-in after sign-up failed: ${res.status} ${await res.text()}`);
    return { res, cookie: sessionCookieFrom(res)! };
  }

  async function signIn(email: string, password = STRONG_PASSWORD, init: Parameters<typeof request>[1] = {}) {
    const res = await post("/api/auth/sign-in/email", { email, password }, init);
    return { res, cookie: sessionCookieFrom(res) };
  }

  /** Signs up and returns the session cookie plus the API key shown on /welcome. */
  async function signUpWithKey(email: string) {
    const { cookie } = await signUp(email);
    const reveal = await post("/trpc/apiKey.revealNew", {}, { cookie });
    const key = (await reveal.json()).result.data.key as string;
    return { cookie, key };
  }

  /** A call to the public API with a key. */
  function api(path: string, key: string, init: Parameters<typeof request>[1] & { json?: unknown } = {}) {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${key}`);
    const body = init.json === undefined ? init.body : JSON.stringify(init.json);
    if (init.json !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
    return request(path, { ...init, headers, body, method: init.method ?? (body === undefined ? "GET" : "POST") });
  }

  /** tRPC over the session cookie: query (GET) or mutation (POST). */
  async function trpc(path: string, cookie: string, input?: unknown, kind: "query" | "mutation" = "mutation") {
    const res =
      kind === "query"
        ? await request(`/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { cookie })
        : await post(`/trpc/${path}`, input ?? {}, { cookie });
    const body = await res.json();
    return { status: res.status, data: body.result?.data, error: body.error };
  }

  /** The personal workspace of the user with this email, with the owner acting in it. */
  async function ownerAccess(email: string): Promise<WorkspaceAccess> {
    const user = await services.db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    const own = (await listWorkspacesOf(services.db, user.id)).find((w) => w.role === "owner");
    if (!own) throw new Error(`${email} owns no workspace`);
    return own;
  }

  /** Rows in a table (the whole table: each test file has its own database). */
  const countRows = async (table: keyof Database) =>
    Number(
      (
        await services.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  return {
    app,
    countRows,
    ownerAccess,
    signUpWithKey,
    api,
    trpc,
    services,
    db: services.db,
    env,
    mailer,
    request,
    post,
    signUp,
    signIn,
    async close() {
      await closeServices(services);
      await database.drop();
    },
  };
}

/** `name=value` of the session cookie a response sets, ready for a Cookie header. */
export function sessionCookieFrom(res: Response) {
  const cookie = res.headers.getSetCookie().find((c) => /^(__Secure-)?pingpilot\.session_token=[^;]+/.test(c));
  return cookie?.split(";")[0];
}
