/**
 * Scale-out as deployed: two web instances and two workers, each its own process, on one fresh
 * PostgreSQL database, behind a round-robin load balancer. Everything below goes through the
 * balancer, so consecutive requests land on alternate instances (each answer names its
 * instance). What must hold across instances: the per-key rate limit and the per-account
 * sign-in throttle (not N times each), a revoked key refused everywhere at once, live updates
 * reaching a stream on the other instance, each delivery sent once, and a kill -9 of one web
 * instance under load losing no accepted event.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/server/db/db";
import { migrateToLatest } from "@/server/db/migrate";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../fakes/webhook-receiver.fake";
import { startRoundRobinProxy, UPSTREAM_HEADER, type RoundRobinProxy } from "../support/round-robin-proxy";
import { STRONG_PASSWORD, TEST_ORIGIN, testEnv } from "../support/test-app";
import { createTestDatabase, dialectUnderTest } from "../support/test-database";

const root = new URL("../../", import.meta.url).pathname;
const BURST = 30;
const PER_SECOND = 10;
const ACCOUNT_MAX = 5;

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: unknown; upstream: number };

describe.runIf(dialectUnderTest() === "postgres")("two web instances and two workers on one database (PostgreSQL only: SQLite is one process by design)", { timeout: 40_000 }, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Db;
  let receiver: WebhookReceiverFake;
  let proxy: RoundRobinProxy;
  const webs: { child: ChildProcess; url: string }[] = [];
  /** Every process started, killed after the tests whatever happened. */
  const children: ChildProcess[] = [];

  function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      DATA_DIR: database.dataDir,
      AUTH_SECRET: "test-secret-0123456789abcdefghijklmnopqrstuvwxyz",
      APP_URL: TEST_ORIGIN,
      LOG_LEVEL: "error",
      TRUST_PROXY: "1",
      API_RATE_LIMIT_BURST: String(BURST),
      API_RATE_LIMIT_PER_SECOND: String(PER_SECOND),
      AUTH_THROTTLE_ACCOUNT_MAX: String(ACCOUNT_MAX),
      // Every request comes from the balancer's one client address: only the account limit shows.
      AUTH_THROTTLE_IP_MAX: "100000",
      PLAN_EVENT_LIMIT: "100000",
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
      ...extra,
    };
  }

  // node itself (not the tsx wrapper, which would leave its child running after a SIGKILL).
  function spawnTs(entry: string, env: NodeJS.ProcessEnv, stdout: "pipe" | "ignore") {
    const child = spawn(process.execPath, ["--import", "tsx", entry], { cwd: root, stdio: ["ignore", stdout, "inherit"], env });
    children.push(child);
    return child;
  }

  function startWeb(name: string) {
    const child = spawnTs("tests/support/web-instance.ts", childEnv({ WORKER: "false", WORKER_ID: name }), "pipe");
    return new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`web instance ${name} exited (${code}) before listening`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const port = /^listening (\d+)$/.exec(line)?.[1];
        if (port) resolve({ child, url: `http://127.0.0.1:${port}` });
        else console.error(`${name}: ${line}`); // its log (errors only)
      });
    });
  }

  const kill9 = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });

  beforeAll(async () => {
    receiver = await startWebhookReceiverFake();
    database = await createTestDatabase();
    db = createDb(testEnv(database).database);
    await migrateToLatest(db);
    webs.push(...(await Promise.all([startWeb("web-a"), startWeb("web-b")])));
    for (const id of ["worker-1", "worker-2"]) spawnTs("src/worker.ts", childEnv({ WORKER_ID: id }), "ignore");
    proxy = await startRoundRobinProxy(webs.map((w) => w.url));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(children.map(kill9));
    await proxy?.close();
    await receiver?.close();
    await db?.destroy();
    await database?.drop();
  });

  /** One request through the balancer, on a connection of its own. */
  function call(path: string, init: { method?: string; json?: unknown; cookie?: string; key?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (init.cookie) headers.cookie = init.cookie;
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    const body = init.json === undefined ? undefined : JSON.stringify(init.json);
    if (body !== undefined) Object.assign(headers, { "content-type": "application/json", origin: TEST_ORIGIN });
    const url = new URL(path, proxy.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: init.method ?? (body === undefined ? "GET" : "POST"), headers, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, upstream: Number(res.headers[UPSTREAM_HEADER]) });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  const cookieOf = (a: Answer) =>
    ([] as string[])
      .concat(a.headers["set-cookie"] ?? [])
      .find((c) => /^(__Secure-)?pingpilot\.session_token=/.test(c))
      ?.split(";")[0];

  async function signUp(email: string) {
    const up = await call("/api/auth/sign-up/email", { json: { email, password: STRONG_PASSWORD, name: "Scale" } });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const signedIn = await call("/api/auth/sign-in/email", { json: { email, password: STRONG_PASSWORD } });
    expect(signedIn.status).toBe(200);
    const cookie = cookieOf(signedIn)!;
    const reveal = await call("/trpc/apiKey.revealNew", { json: {}, cookie });
    return { cookie, key: (reveal.body as { result: { data: { key: string } } }).result.data.key };
  }

  const trpc = async (path: string, cookie: string, input: unknown = {}) => (await call(`/trpc/${path}`, { json: input, cookie })).body as { result?: { data: unknown }; error?: unknown };
  const trpcQuery = async (path: string, cookie: string) => ((await call(`/trpc/${path}`, { cookie })).body as { result: { data: unknown } }).result.data;

  /** Extra keys of one account, so a load is not held back by the per-key rate limit. */
  async function moreKeys(cookie: string, n: number) {
    const keys: string[] = [];
    for (let i = 0; i < n; i++) keys.push(((await trpc("apiKey.create", cookie, { name: `load ${i}` })).result!.data as { key: string }).key);
    return keys;
  }

  const ingest = (key: string, category: string, fields: Record<string, unknown> = {}) => call("/api/v1/events", { key, json: { category, fields } });

  it("the per-key rate limit holds across both instances: at most burst + rate × elapsed, not twice the burst", async () => {
    const { key } = await signUp("rate@example.com");
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 3 * BURST }, () => call("/api/v1/quota", { key })));
    const elapsed = (performance.now() - started) / 1000;
    const accepted = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    console.log(`rate limit across 2 instances: ${accepted.length} of ${answers.length} accepted in ${elapsed.toFixed(2)} s (burst ${BURST}, ${PER_SECOND}/s)`);
    expect(accepted.length + limited.length).toBe(answers.length);
    // Both instances answered, and both refused.
    expect(new Set(answers.map((a) => a.upstream))).toEqual(new Set([0, 1]));
    expect(new Set(limited.map((a) => a.upstream))).toEqual(new Set([0, 1]));
    expect(accepted.length).toBeGreaterThanOrEqual(BURST);
    expect(accepted.length).toBeLessThanOrEqual(BURST + Math.floor(PER_SECOND * elapsed) + 1);
    for (const a of limited) expect(Number(a.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("the per-account sign-in throttle holds across both instances", async () => {
    const email = "guessed@example.com";
    await signUp(email);
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => call("/api/auth/sign-in/email", { json: { email, password: `wrong guess ${i}` } })));
    expect(new Set(guesses.map((g) => g.upstream))).toEqual(new Set([0, 1]));
    expect(guesses.filter((g) => g.status === 401)).toHaveLength(ACCOUNT_MAX);
    expect(guesses.filter((g) => g.status === 429)).toHaveLength(12 - ACCOUNT_MAX);
    // The owner's right password is refused on both instances until the window ends.
    const owner = [await call("/api/auth/sign-in/email", { json: { email, password: STRONG_PASSWORD } }), await call("/api/auth/sign-in/email", { json: { email, password: STRONG_PASSWORD } })];
    expect(owner.map((a) => a.status)).toEqual([429, 429]);
    expect(new Set(owner.map((a) => a.upstream))).toEqual(new Set([0, 1]));
    for (const a of owner) expect(Number(a.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("a revoked key, or a deleted account's, is refused by both instances right after the answer", async () => {
    const u = await signUp("revoked@example.com");
    // Both instances have the key cached.
    const warm = [await call("/api/v1/quota", { key: u.key }), await call("/api/v1/quota", { key: u.key })];
    expect(warm.map((a) => a.status)).toEqual([200, 200]);
    expect(new Set(warm.map((a) => a.upstream))).toEqual(new Set([0, 1]));
    const [listed] = (await trpcQuery("apiKey.list", u.cookie)) as { id: string }[];
    expect((await trpc("apiKey.revoke", u.cookie, { id: listed!.id })).error).toBeUndefined();
    const after = [await call("/api/v1/quota", { key: u.key }), await call("/api/v1/quota", { key: u.key })];
    expect(after.map((a) => a.status)).toEqual([401, 401]);
    expect(new Set(after.map((a) => a.upstream))).toEqual(new Set([0, 1]));

    const d = await signUp("deleted@example.com");
    expect([(await call("/api/v1/quota", { key: d.key })).status, (await call("/api/v1/quota", { key: d.key })).status]).toEqual([200, 200]);
    expect((await call("/api/auth/delete-user", { json: {}, cookie: d.cookie })).status).toBe(200);
    const gone = [await call("/api/v1/quota", { key: d.key }), await call("/api/v1/quota", { key: d.key })];
    expect(gone.map((a) => a.status)).toEqual([401, 401]);
    expect(new Set(gone.map((a) => a.upstream))).toEqual(new Set([0, 1]));
  });

  it("a live-update stream on one instance receives an event ingested through the other", async () => {
    const u = await signUp("live@example.com");
    expect((await call("/api/v1/categories", { key: u.key, json: { name: "live" } })).status).toBe(201);
    const received: unknown[] = [];
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const stream = await new Promise<{ upstream: number; close: () => void }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: new URL(proxy.url).port, path: "/api/stream", headers: { cookie: u.cookie }, agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (/^event: ready$/m.test(block)) ready();
            if (/^event: message$/m.test(block)) received.push(JSON.parse(block.match(/^data: (.*)$/m)![1]!));
          }
        });
        res.on("error", () => undefined);
        resolve({ upstream: Number(res.headers[UPSTREAM_HEADER]), close: () => req.destroy() });
      });
      req.on("error", reject);
      req.end();
    });
    try {
      await isReady;
      let sent = await ingest(u.key, "live");
      // Strict round robin: the next request goes to the other instance.
      if (sent.upstream === stream.upstream) sent = await ingest(u.key, "live");
      expect(sent.status).toBe(202);
      expect(sent.upstream).not.toBe(stream.upstream);
      const id = (sent.body as { id: string }).id;
      await expect.poll(() => received, { timeout: 5_000 }).toContainEqual(expect.objectContaining({ type: "event.created", eventId: id, category: "live" }));
    } finally {
      stream.close();
    }
  });

  it("with both workers running, every delivery is sent exactly once", async () => {
    const u = await signUp("deliver@example.com");
    expect((await call("/api/v1/categories", { key: u.key, json: { name: "orders" } })).status).toBe(201);
    expect((await trpc("notification.save", u.cookie, { channel: "webhook", enabled: true, config: { url: receiver.webhookUrl } })).error).toBeUndefined();
    const settings = (await trpcQuery("notification.list", u.cookie)) as { channel: string; config: { secret?: string } }[];
    receiver.reset();
    receiver.setSecret(settings.find((s) => s.channel === "webhook")!.config.secret);
    const keys = [u.key, ...(await moreKeys(u.cookie, 4))];
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => ingest(keys[i % keys.length]!, "orders", { n: i })));
    expect(answers.map((a) => a.status).filter((s) => s !== 202)).toEqual([]);
    const ids = answers.map((a) => (a.body as { id: string }).id);
    /** Verified receipts per event of this test. */
    const receipts = () => {
      const counts = new Map<string, number>();
      for (const r of receiver.received) {
        const id = r.verified ? ids.find((e) => r.rawBody.includes(e)) : undefined;
        if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    };
    await expect.poll(() => receipts().size, { timeout: 20_000, interval: 100 }).toBe(ids.length);
    // Past the workers' idle poll, so a second claim of any delivery would have been sent by now.
    await new Promise((r) => setTimeout(r, 1_500));
    expect([...receipts().values()].filter((n) => n !== 1)).toEqual([]);
    expect(receiver.received.filter((r) => r.verified !== true)).toEqual([]);
    const byWorker = await db
      .selectFrom("delivery")
      .select(["claimed_by", (eb) => eb.fn.countAll().as("n")])
      .groupBy("claimed_by")
      .execute();
    console.log(`deliveries per worker: ${byWorker.map((w) => `${w.claimed_by}=${w.n}`).join(", ")}`);
  });

  it("kill -9 of one web instance under load loses no accepted event", async () => {
    const u = await signUp("load@example.com");
    expect((await call("/api/v1/categories", { key: u.key, json: { name: "load" } })).status).toBe(201);
    const keys = [u.key, ...(await moreKeys(u.cookie, 9))];
    const results: { status: number; upstream: number; id?: string; afterKill: boolean }[] = [];
    let stop = false;
    let killed = false;
    let n = 0;
    const client = async () => {
      while (!stop) {
        const i = n++;
        const a = await ingest(keys[i % keys.length]!, "load", { n: i }).catch(() => ({ status: 0, upstream: -1, body: undefined, headers: {} }) as Answer);
        results.push({ status: a.status, upstream: a.upstream, id: (a.body as { id?: string } | undefined)?.id, afterKill: killed });
      }
    };
    const clients = Array.from({ length: 16 }, client);
    await new Promise((r) => setTimeout(r, 800));
    await kill9(webs[0]!.child);
    killed = true;
    await new Promise((r) => setTimeout(r, 800));
    stop = true;
    await Promise.all(clients);

    const accepted = results.filter((r) => r.status === 202);
    const count = (f: (r: (typeof results)[number]) => boolean) => results.filter(f).length;
    console.log(
      `kill -9 under load: ${results.length} requests, ${accepted.length} accepted (${count((r) => r.status === 202 && r.upstream === 0)} by the killed instance), ` +
        `${count((r) => r.status === 502)} bad gateway, ${count((r) => r.status === 429)} rate-limited`,
    );
    // The killed instance was serving when it died; the survivor went on serving.
    expect(accepted.some((r) => r.upstream === 0 && !r.afterKill)).toBe(true);
    expect(accepted.some((r) => r.upstream === 1 && r.afterKill)).toBe(true);
    expect(results.some((r) => r.status === 502)).toBe(true);
    const ids = accepted.map((r) => r.id!);
    const stored = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of await db
        .selectFrom("event")
        .select("id")
        .where("id", "in", ids.slice(i, i + 500))
        .execute())
        stored.add(row.id);
    }
    expect(ids.filter((id) => !stored.has(id))).toEqual([]);
  });
});
