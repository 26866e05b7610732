/**
 * Monitors end to end on one database (SQLite, or PostgreSQL with DATABASE_URL): the injected
 * clock is moved and the worker's round (evaluateDueMonitors through the job) is run directly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDueMonitors } from "./monitor.queries";
import { createMonitorJob } from "./monitor.job";
import { HOUR, MIN, startMonitorWorld, type MonitorWorld } from "./monitor.fixtures";

let w: MonitorWorld;
const T0 = "2026-06-01T12:00:00.000Z";
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  w = await startMonitorWorld({ start: T0 });
});
afterAll(() => w.close());

describe("a heartbeat, every hour with 10 minutes' grace", () => {
  it("waits, goes up, late, down (one alert, one delivery per channel), and recovers with a notice", async () => {
    const category = await w.category("backup");
    const created = await w.ok("monitor.create", { name: "Nightly backup", categoryId: category, kind: "heartbeat", heartbeat: { every: 3600, graceSeconds: 600 } });
    expect(created.pingToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(created.pingUrl).toContain(`/api/v1/ping/${created.pingToken}`);
    const id = created.id as string;

    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("waiting");
    // Waiting never alerts, however long.
    w.advance(5 * HOUR);
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("waiting");

    const first = w.clock.now;
    await w.send("backup");
    await w.evaluate();
    let m = await w.monitor(id);
    expect(m).toMatchObject({ state: "up", lastEventAt: iso(first), nextCheckAt: iso(first + HOUR) });

    w.at(iso(first + HOUR + 5 * MIN));
    await w.evaluate();
    m = await w.monitor(id);
    expect(m).toMatchObject({ state: "late", nextCheckAt: iso(first + HOUR + 10 * MIN) });
    expect(await w.notices()).toEqual([]);

    w.advance(10 * MIN);
    await w.evaluate();
    m = await w.monitor(id);
    expect(m.state).toBe("down");
    expect(m.incidents).toHaveLength(1);
    expect(m.incidents[0]).toMatchObject({ startedAt: iso(first + HOUR + 10 * MIN), endedAt: null, durationSeconds: null });
    let notices = await w.notices();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.description).toMatch(/^🔴 Nightly backup is down — No event since/);
    expect(notices[0]!.fields).toMatchObject({ monitor: "Nightly backup", monitorId: id, state: "down", since: iso(first + HOUR + 10 * MIN), incidentId: m.incidents[0].id });
    expect(notices[0]!.system).toBe(true);
    const deliveries = await w.deliveriesOf(notices[0]!.id);
    expect(deliveries.map((d) => d.channel)).toEqual(["email", "webhook"]);
    expect(deliveries.every((d) => d.status === "PENDING")).toBe(true);

    // Still down: no second alert, whatever the rounds.
    for (let i = 0; i < 3; i++) {
      w.advance(6 * MIN);
      await w.evaluate();
    }
    expect(await w.notices()).toHaveLength(1);

    const back = w.clock.now;
    await w.send("backup");
    await w.evaluate();
    m = await w.monitor(id);
    expect(m).toMatchObject({ state: "up", nextCheckAt: iso(back + HOUR) });
    notices = await w.notices();
    expect(notices).toHaveLength(2);
    expect(notices[1]!.description).toMatch(/^✅ Nightly backup recovered after 23 min/);
    expect(notices[1]!.fields).toMatchObject({ state: "up", incidentId: m.incidents[0].id, durationSeconds: 23 * 60 });
    expect((await w.deliveriesOf(notices[1]!.id)).map((d) => d.channel)).toEqual(["email", "webhook"]);
    expect(m.incidents[0]).toMatchObject({ endedAt: iso(back), durationSeconds: 23 * 60, resolution: "recovered" });

    const list = await w.ok("monitor.list", undefined, "query");
    expect(list.find((x: { id: string }) => x.id === id)).toMatchObject({
      kind: "heartbeat",
      categoryId: category,
      categoryName: "backup",
      state: "up",
      lastIncident: { id: m.incidents[0].id, endedAt: iso(back) },
      config: { heartbeat: { every: 3600, graceSeconds: 600 }, threshold: null, filter: null, renotifySeconds: null },
    });
    const incidents = await w.ok("monitor.incidents", { monitorId: id }, "query");
    expect(incidents).toEqual([
      {
        id: m.incidents[0].id,
        monitorId: id,
        monitorName: "Nightly backup",
        startedAt: iso(first + HOUR + 10 * MIN),
        endedAt: iso(back),
        durationSeconds: 1380,
        reason: expect.stringContaining("No event since"),
        resolution: "recovered",
        notifications: 1,
      },
    ]);
    // The alerts do not count against the monthly quota: only the two events sent did.
    const quota = await w.ok("quota.get", undefined, "query");
    expect(quota.events.used).toBe(2);
    await w.ok("monitor.delete", { id });
  });

  it("counts only events matching its filter (type included)", async () => {
    const category = await w.category("jobs");
    const { id } = await w.ok("monitor.create", { name: "Job ok", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 }, filter: { field: "ok", equals: true } });
    await w.send("jobs", { ok: "true" });
    await w.send("jobs", { ok: 1 });
    await w.send("jobs", { other: true });
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("waiting");
    await w.send("jobs", { ok: true });
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("up");
    await w.ok("monitor.delete", { id });
  });
});

describe("a count threshold: ≥ 3 in 10 minutes", () => {
  it("fires on the third event and recovers exactly when the first leaves the window", async () => {
    const category = await w.category("payment-failed");
    const { id, pingToken } = await w.ok("monitor.create", {
      name: "Failed payments",
      categoryId: category,
      kind: "threshold",
      threshold: { aggregate: "count", windowSeconds: 600, op: ">=", bound: 3 },
    });
    expect(pingToken).toBeUndefined();
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("ok");
    const before = (await w.notices()).length;

    const t1 = w.clock.now;
    await w.send("payment-failed");
    await w.evaluate();
    w.advance(MIN);
    await w.send("payment-failed");
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("ok");
    w.advance(MIN);
    await w.send("payment-failed");
    await w.evaluate();
    const m = await w.monitor(id);
    expect(m).toMatchObject({ state: "over", lastValue: 3, nextCheckAt: iso(t1 + 10 * MIN) });
    const alerts = (await w.notices()).slice(before);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.description).toBe("🔴 Failed payments is over its threshold — count = 3 (≥ 3 in the last 10 min)");

    // 1 ms before the first event leaves: not due, still over.
    w.at(iso(t1 + 10 * MIN - 1));
    expect((await w.evaluate()).claimed).toBe(0);
    expect((await w.monitor(id)).state).toBe("over");
    // The window is (now − 10 min, now]: at exactly t1 + 10 min the first event is out.
    w.at(iso(t1 + 10 * MIN));
    await w.evaluate();
    // Below "≥ 3", events leaving cannot make it fire: only new events (or the 15-minute sweep) bring it back.
    expect(await w.monitor(id)).toMatchObject({ state: "ok", lastValue: 2, nextCheckAt: iso(t1 + 25 * MIN) });
    const after = (await w.notices()).slice(before);
    expect(after.map((n) => Array.from(n.description)[0])).toEqual(["🔴", "✅"]);
    await w.ok("monitor.delete", { id });
  });
});

describe("a sum threshold: sum(amount) < 100 in an hour, EUR only", () => {
  it("reads numbers only, applies the filter, and fires when the window slides", async () => {
    const category = await w.category("sales");
    const { id } = await w.ok("monitor.create", {
      name: "Revenue",
      categoryId: category,
      kind: "threshold",
      threshold: { aggregate: "sum", field: "amount", windowSeconds: 3600, op: "<", bound: 100 },
      filter: { field: "currency", equals: "EUR" },
    });
    const before = (await w.notices()).length;
    const t1 = w.clock.now;
    await w.send("sales", { amount: 60, currency: "EUR" });
    await w.send("sales", { amount: 1000, currency: "USD" });
    await w.send("sales", { amount: "lots", currency: "EUR" });
    await w.evaluate();
    expect(await w.monitor(id)).toMatchObject({ state: "over", lastValue: 60 });
    w.advance(30 * MIN);
    await w.send("sales", { amount: 50.5, currency: "EUR" });
    await w.evaluate();
    // Looked at again when the first event leaves, or after the sweep (15 min) if that is sooner.
    expect(await w.monitor(id)).toMatchObject({ state: "ok", lastValue: 110.5, nextCheckAt: iso(t1 + 45 * MIN) });
    w.at(iso(t1 + HOUR));
    await w.evaluate();
    expect(await w.monitor(id)).toMatchObject({ state: "over", lastValue: 50.5 });
    const texts = (await w.notices()).slice(before).map((n) => n.description);
    expect(texts).toEqual([
      "🔴 Revenue is over its threshold — sum(amount) = 60 (< 100 in the last 1 h)",
      expect.stringMatching(/^✅ Revenue recovered after 30 min/),
      "🔴 Revenue is over its threshold — sum(amount) = 50.5 (< 100 in the last 1 h)",
    ]);
    await w.ok("monitor.delete", { id });
  });
});

describe("pause and resume", () => {
  it("sends nothing while paused, ends the open incident quietly, and re-evaluates on resume", async () => {
    const category = await w.category("sync");
    const { id } = await w.ok("monitor.create", { name: "Sync", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 60 } });
    await w.send("sync");
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("up");
    const before = (await w.notices()).length;

    await w.ok("monitor.pause", { id });
    w.advance(HOUR);
    expect((await w.evaluate()).claimed).toBe(0);
    expect(await w.monitor(id)).toMatchObject({ state: "paused", paused: true, nextCheckAt: null });
    expect((await w.notices()).length).toBe(before);

    await w.ok("monitor.resume", { id });
    await w.evaluate();
    let m = await w.monitor(id);
    expect(m.state).toBe("down");
    expect((await w.notices()).length).toBe(before + 1);

    // Paused while down: the incident ends without a notice; resumed with a fresh event: up, no notice.
    await w.ok("monitor.pause", { id });
    m = await w.monitor(id);
    expect(m.incidents[0]).toMatchObject({ resolution: "paused" });
    expect(m.incidents[0].endedAt).not.toBeNull();
    await w.send("sync");
    await w.ok("monitor.resume", { id });
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("up");
    expect((await w.notices()).length).toBe(before + 1);
    await w.ok("monitor.delete", { id });
  });
});

describe("re-notifying", () => {
  it("reminds every 30 minutes while the incident is open, and stops when it recovers", async () => {
    const category = await w.category("signups");
    const before = (await w.notices()).length;
    const { id } = await w.ok("monitor.create", {
      name: "No signups",
      categoryId: category,
      kind: "threshold",
      threshold: { aggregate: "count", windowSeconds: 3600, op: "<", bound: 1 },
      renotifySeconds: 1800,
    });
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("over");
    expect((await w.monitor(id)).nextCheckAt).toBe(iso(w.clock.now + 15 * MIN));
    w.advance(29 * MIN);
    await w.evaluate();
    w.advance(MIN);
    await w.evaluate();
    w.advance(10 * MIN);
    await w.evaluate();
    w.advance(20 * MIN);
    await w.evaluate();
    await w.send("signups");
    await w.evaluate();
    const texts = (await w.notices()).slice(before).map((n) => n.description);
    expect(texts.map((d) => d.split(":")[0]!.split(" —")[0])).toEqual([
      "🔴 No signups is over its threshold",
      "🟠 still down",
      "🟠 still down",
      expect.stringMatching(/^✅ No signups recovered after 1 h/),
    ]);
    const m = await w.monitor(id);
    expect(m.incidents[0]).toMatchObject({ notifications: 3, resolution: "recovered" });
    await w.ok("monitor.delete", { id });
  });
});

describe("a worker restart in the middle of an open incident", () => {
  it("does not alert again, and the recovery is still sent, once", async () => {
    const category = await w.category("etl");
    const { id } = await w.ok("monitor.create", { name: "ETL", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 } });
    await w.send("etl");
    await w.evaluate();
    const before = (await w.notices()).length;
    w.advance(11 * MIN);
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("down");
    expect((await w.notices()).length).toBe(before + 1);

    // The worker stops; a new one starts on the same database.
    const restarted = createMonitorJob(w.t.services, { workerId: "restarted" });
    w.useJob(restarted);
    w.advance(10 * MIN);
    await w.evaluate();
    // One that claimed the monitor and died: its lease runs out, then the next worker evaluates it.
    w.advance(10 * MIN);
    const dead = await claimDueMonitors(w.t.db, { claimToken: "dead", now: iso(w.clock.now), leaseUntil: iso(w.clock.now + MIN), limit: 100 });
    expect(dead.map((m) => m.id)).toContain(id);
    await w.send("etl");
    expect((await w.evaluate()).claimed).toBe(0);
    expect((await w.monitor(id)).state).toBe("down");
    w.advance(MIN);
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("up");
    const texts = (await w.notices()).slice(before).map((n) => Array.from(n.description)[0]);
    expect(texts).toEqual(["🔴", "✅"]);
    await w.ok("monitor.delete", { id });
  });
});

describe("the threshold preview", () => {
  it("counts how often it would have fired over the last 7 days", async () => {
    const category = await w.category("errors");
    const now = w.clock.now;
    const rows: { created_at: string; fields: string }[] = [];
    // Two bursts of 5 events within 10 minutes (2 days and 5 days ago), and single events in between.
    for (const daysAgo of [2, 5]) for (let i = 0; i < 5; i++) rows.push({ created_at: iso(now - daysAgo * 24 * HOUR + i * MIN), fields: JSON.stringify({ code: 500 }) });
    for (let h = 1; h < 24 * 6; h += 7) rows.push({ created_at: iso(now - h * HOUR), fields: JSON.stringify({ code: 404 }) });
    await w.t.db
      .insertInto("event")
      .values(
        rows.map((r, i) => ({
          id: `0190preview-${String(i).padStart(4, "0")}`,
          workspace_id: w.ws.id,
          category_id: category,
          description: "x",
          fields: r.fields,
          tags: "[]",
          notify: 0,
          status: "STORED" as const,
          occurred_at: r.created_at,
          created_at: r.created_at,
        })),
      )
      .execute();
    const threshold = { aggregate: "count", windowSeconds: 600, op: ">=", bound: 3 };
    const preview = await w.ok("monitor.preview", { categoryId: category, threshold, filter: null }, "query");
    expect(preview.windows).toHaveLength(7 * 24 * 6);
    expect(preview.windows.at(-1).end).toBe(iso(now));
    expect(preview.fires).toBe(2);
    expect(preview.windows.reduce((s: number, x: { value: number }) => s + x.value, 0)).toBe(rows.length);
    const filtered = await w.ok("monitor.preview", { categoryId: category, threshold: { ...threshold, bound: 1 }, filter: { field: "code", equals: 404 } }, "query");
    expect(filtered.fires).toBe(rows.length - 10);
    const daily = await w.ok("monitor.preview", { categoryId: category, threshold: { aggregate: "count", windowSeconds: 2 * 24 * 3600, op: ">=", bound: 10 } }, "query");
    expect(daily.windows).toHaveLength(3);
  });
});

describe("the monitors category", () => {
  it("is made with the first monitor, is listed, cannot be deleted and does not count against the plan", async () => {
    const categories = await w.ok("category.list", undefined, "query");
    const monitors = categories.find((c: { name: string }) => c.name === "monitors");
    expect(monitors).toBeDefined();
    const r = await w.call("category.delete", w.ada, { id: monitors.id });
    expect(r.appCode).toBe("FORBIDDEN");
    const quota = await w.ok("quota.get", undefined, "query");
    expect(quota.categories.used).toBe(categories.length - 1);
    // Members choose per channel, like any category.
    await w.ok("notification.setOptOut", { channel: "email", categoryId: monitors.id, optedOut: true });
    await w.ok("notification.setOptOut", { channel: "email", categoryId: monitors.id, optedOut: false });
    // A monitor cannot watch its own alerts.
    const self = await w.call("monitor.create", w.ada, { name: "Loop", categoryId: monitors.id, kind: "threshold", threshold: { aggregate: "count", windowSeconds: 600, op: ">=", bound: 1 } });
    expect(self.appCode).toBe("VALIDATION_FAILED");
  });
});

describe("inputs, roles and outsiders", () => {
  it("refuses bad inputs with every field named, storing nothing", async () => {
    const category = await w.category("inputs");
    const count = () => w.t.countRows("monitor");
    const before = await count();
    const bad: [unknown, string][] = [
      [{ name: "", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 } }, "name"],
      [{ name: "x", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, cron: "0 3 * * *", graceSeconds: 0 } }, "heartbeat.every"],
      [{ name: "x", categoryId: category, kind: "heartbeat", heartbeat: { cron: "0 25 * * *", graceSeconds: 0 } }, "heartbeat.cron"],
      [{ name: "x", categoryId: category, kind: "heartbeat", heartbeat: { cron: "0 3 * * *", timezone: "Mars/Olympus", graceSeconds: 0 } }, "heartbeat.timezone"],
      [{ name: "x", categoryId: category, kind: "heartbeat", heartbeat: { every: 10, graceSeconds: 0 } }, "heartbeat.every"],
      [{ name: "x", categoryId: category, kind: "heartbeat" }, "heartbeat"],
      [{ name: "x", categoryId: category, kind: "threshold", threshold: { aggregate: "sum", windowSeconds: 600, op: ">=", bound: 1 } }, "threshold.field"],
      [{ name: "x", categoryId: category, kind: "threshold", threshold: { aggregate: "count", windowSeconds: 600, op: "==", bound: 1 } }, "threshold.op"],
      [{ name: "x", categoryId: category, kind: "threshold", threshold: { aggregate: "count", windowSeconds: 3 * 86400, op: ">=", bound: 1 }, filter: { field: "a", equals: 1 } }, "filter"],
      [
        { name: "x", categoryId: category, kind: "threshold", threshold: { aggregate: "count", windowSeconds: 600, op: ">=", bound: 1 }, filter: { field: "a", equals: { nested: 1 } } },
        "filter.equals",
      ],
      [{ name: "x", categoryId: category, kind: "threshold", threshold: { aggregate: "count", windowSeconds: 600, op: ">=", bound: 1 }, renotifySeconds: 5 }, "renotifySeconds"],
    ];
    for (const [input, field] of bad) {
      const r = await w.call("monitor.create", w.ada, input);
      expect([field, r.appCode]).toEqual([field, "VALIDATION_FAILED"]);
      expect(r.error.data.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await count()).toBe(before);
  });

  it("lets members read and only admins and owners change; outsiders get 404", async () => {
    const category = await w.category("roles");
    const input = { name: "Roles", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 } };
    expect((await w.call("monitor.create", w.grace, input)).appCode).toBe("FORBIDDEN");
    const { id } = await w.ok("monitor.create", input);
    for (const [path, args] of [
      ["monitor.update", { id, name: "Renamed" }],
      ["monitor.pause", { id }],
      ["monitor.resume", { id }],
      ["monitor.delete", { id }],
    ] as const)
      expect([path, (await w.call(path, w.grace, args)).appCode]).toEqual([path, "FORBIDDEN"]);
    expect((await w.call("monitor.get", w.grace, { id }, "query")).data.name).toBe("Roles");
    expect((await w.call("monitor.list", w.grace, undefined, "query")).data.some((m: { id: string }) => m.id === id)).toBe(true);

    // Eve, in her own workspace, with Ada's ids; and naming Ada's workspace.
    for (const [path, args, kind] of [
      ["monitor.get", { id }, "query"],
      ["monitor.incidents", { monitorId: id }, "query"],
      ["monitor.update", { id, name: "Mine" }, "mutation"],
      ["monitor.pause", { id }, "mutation"],
      ["monitor.delete", { id }, "mutation"],
      ["monitor.preview", { categoryId: category, threshold: { aggregate: "count", windowSeconds: 600, op: ">=", bound: 1 } }, "query"],
      ["monitor.create", input, "mutation"],
    ] as const) {
      expect([path, (await w.call(path, w.eve, args, kind, w.eveWs.id)).appCode]).toEqual([path, "NOT_FOUND"]);
      expect([path, (await w.call(path, w.eve, args, kind, w.ws.id)).appCode]).toEqual([path, "NOT_FOUND"]);
    }
    expect((await w.call("monitor.list", w.eve, undefined, "query", w.eveWs.id)).data).toEqual([]);
    expect((await w.monitor(id)).name).toBe("Roles");
  });
});
