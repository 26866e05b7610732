import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../../esbuild.config";
import { startSlackFake, type SlackFake } from "../../../tests/fakes/slack.fake";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../../../tests/fakes/webhook-receiver.fake";
import { dialectUnderTest } from "../../../tests/support/test-database";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";

/**
 * Real worker processes (`npm run worker`'s entry) against a real database file or server:
 * a kill -9 mid-delivery loses nothing, and several workers never send a delivery twice.
 */
const root = new URL("../../../", import.meta.url).pathname;
let receiver: WebhookReceiverFake;
let slack: SlackFake;

beforeAll(async () => {
  // dist/worker.js compiled from the sources under test, never a stale build.
  [receiver, slack] = await Promise.all([startWebhookReceiverFake(), startSlackFake(), buildServer()]);
});
afterAll(async () => {
  await Promise.all([receiver.close(), slack.close()]);
});

function startWorker(t: TestApp, id: string): ChildProcess {
  const database = t.env.database;
  // `npm run worker`: plain node on the compiled entry.
  return spawn(process.execPath, ["dist/worker.js"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: database.dialect === "postgres" ? database.url : database.file,
      DATA_DIR: t.env.DATA_DIR,
      AUTH_SECRET: t.env.AUTH_SECRET,
      APP_URL: t.env.APP_URL,
      LOG_LEVEL: "error",
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
      SLACK_WEBHOOK_URL_BASE: slack.url,
      DELIVERY_LEASE_SECONDS: "2",
      WORKER_ID: id,
    },
  });
}

const kill9 = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });

/** Signs up a user with the webhook (and optionally Slack) channel on, and stores `n` events through the API. */
async function seed(t: TestApp, email: string, n: number, withSlack: boolean) {
  const u = await t.signUpWithKey(email);
  await t.api("/api/v1/categories", u.key, { json: { name: "load" } });
  expect((await t.trpc("notification.save", u.cookie, { channel: "webhook", enabled: true, config: { url: receiver.webhookUrl } })).error).toBeUndefined();
  if (withSlack) expect((await t.trpc("notification.save", u.cookie, { channel: "slack", enabled: true, config: { url: slack.webhookUrl } })).error).toBeUndefined();
  const settings = (await t.trpc("notification.list", u.cookie, undefined, "query")).data as { channel: string; config: { secret?: string } }[];
  receiver.setSecret(settings.find((s) => s.channel === "webhook")!.config.secret);
  const ids: string[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => t.api("/api/v1/events", u.key, { json: { category: "load", fields: { n: i + j } } })));
    for (const res of batch) ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

const eventIdOf = (raw: string) => /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(raw)?.[0];
const countBy = (ids: (string | undefined)[]) => ids.reduce((m, id) => (id ? m.set(id, (m.get(id) ?? 0) + 1) : m), new Map<string, number>());

/** An app whose users can send 1,000 events at once to the local fakes. */
const startLoadApp = () =>
  startTestApp({
    env: {
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
      SLACK_WEBHOOK_URL_BASE: slack.url,
      API_RATE_LIMIT_BURST: "100000",
      API_RATE_LIMIT_PER_SECOND: "100000",
      PLAN_EVENT_LIMIT: "100000",
    },
  });

describe("delivery across processes", () => {
  it("kill -9 while 1,000 events are being delivered, then restart: every event reaches every channel", { timeout: 120_000 }, async () => {
    const t = await startLoadApp();
    try {
      receiver.reset();
      slack.reset();
      const ids = await seed(t, "crash@example.com", 1000, true);
      const first = startWorker(t, "first");
      await expect.poll(() => receiver.received.length + slack.received.length, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(300);
      await kill9(first);
      expect(first.signalCode).toBe("SIGKILL");
      const deliveredBeforeCrash = receiver.received.length + slack.received.length;
      expect(deliveredBeforeCrash).toBeLessThan(2000); // the crash really interrupted the work

      const second = startWorker(t, "second");
      try {
        const hooks = () => countBy(receiver.received.filter((r) => r.verified).map((r) => eventIdOf(r.rawBody)));
        const slacks = () => countBy(slack.received.filter((r) => r.status === 200).map((r) => eventIdOf(r.rawBody)));
        // Counted once per poll: the fakes answering the worker run in this process, so a poll
        // that re-scanned every request per event would starve them of CPU.
        const allDelivered = () => {
          const [h, sl] = [hooks(), slacks()];
          return ids.every((id) => h.has(id) && sl.has(id));
        };
        await expect.poll(allDelivered, { timeout: 90_000, interval: 500 }).toBe(true);
        const duplicates = [...hooks().values(), ...slacks().values()].reduce((sum, n) => sum + (n - 1), 0);
        console.log(`crash test: ${deliveredBeforeCrash} sends before kill -9, 2,000 deliveries completed, ${duplicates} duplicate sends (at-least-once)`);
        await expect
          .poll(
            async () =>
              Number(
                (
                  await t.db
                    .selectFrom("delivery")
                    .select((eb) => eb.fn.countAll().as("n"))
                    .where("status", "!=", "DELIVERED")
                    .executeTakeFirstOrThrow()
                ).n,
              ),
            { timeout: 10_000 },
          )
          .toBe(0);
      } finally {
        await kill9(second);
      }
    } finally {
      await t.close();
    }
  });

  const workers = dialectUnderTest() === "postgres" ? 2 : 1;
  it(`${workers} worker process(es) over 1,000 deliveries never send one twice, and every worker works`, { timeout: 120_000 }, async () => {
    const t = await startLoadApp();
    const children: ChildProcess[] = [];
    try {
      receiver.reset();
      const ids = await seed(t, "scale@example.com", 1000, false);
      for (let i = 0; i < workers; i++) children.push(startWorker(t, `w${i}`));
      const received = () => countBy(receiver.received.filter((r) => r.verified).map((r) => eventIdOf(r.rawBody)));
      await expect.poll(() => received().size, { timeout: 90_000, interval: 200 }).toBe(ids.length);
      expect([...received().values()].filter((n) => n > 1)).toEqual([]);
      const byWorker = await t.db
        .selectFrom("delivery")
        .select(["claimed_by", (eb) => eb.fn.countAll().as("n")])
        .groupBy("claimed_by")
        .execute();
      expect(byWorker).toHaveLength(workers);
      console.log(`scale test (${dialectUnderTest()}): deliveries per worker ${byWorker.map((w) => `${w.claimed_by}=${w.n}`).join(", ")}`);
    } finally {
      await Promise.all(children.map(kill9));
      await t.close();
    }
  });
});
