/**
 * Exactly once across workers: two workers evaluate the same due monitors at the same time
 * (on PostgreSQL, two sets of services — two pools — on one database; on SQLite, two job
 * instances in the one process). Each alert and each recovery is written once, and a worker
 * whose lease ran out cannot commit after another took over.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeServices, createServices, type Services } from "@/server/services";
import { dialectUnderTest } from "../../../tests/support/test-database";
import { evaluateMonitor } from "./monitor.evaluate";
import { MIN, startMonitorWorld, type MonitorWorld } from "./monitor.fixtures";
import { createMonitorJob, type MonitorJob } from "./monitor.job";
import { claimDueMonitors } from "./monitor.queries";

let w: MonitorWorld;
let other: Services;
let a: MonitorJob;
let b: MonitorJob;
const N = 40;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  w = await startMonitorWorld({ start: "2026-07-01T00:00:00Z" });
  other = dialectUnderTest() === "postgres" ? createServices(w.t.env, { clock: () => new Date(w.clock.now), mailer: w.t.mailer }) : w.t.services;
  a = createMonitorJob(w.t.services, { workerId: "a", limit: 3 });
  b = createMonitorJob(other, { workerId: "b", limit: 3, concurrency: 2 });
});
afterAll(async () => {
  await a.stop();
  await b.stop();
  if (other !== w.t.services) await closeServices(other);
  await w.close();
});

/** Both workers, side by side, round after round, until neither finds anything due. */
async function race() {
  const loop = async (job: MonitorJob) => {
    let rounds = 0;
    let committed = 0;
    for (;;) {
      const r = await job.runOnce();
      rounds++;
      committed += r.committed;
      if (r.claimed === 0) return { rounds, committed };
    }
  };
  return Promise.all([loop(a), loop(b)]);
}

describe("two workers on one database", () => {
  it("alert once per monitor and recover once per monitor", async () => {
    const category = await w.category("fleet");
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push((await w.ok("monitor.create", { name: `Host ${i}`, categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 } })).id);
    await w.send("fleet");
    await w.evaluate();
    const [ra, rb] = await race();
    expect(ra.committed + rb.committed).toBeGreaterThanOrEqual(0);

    w.advance(11 * MIN);
    const down = await race();
    // Both took part (on PostgreSQL they ran in parallel over two pools).
    expect(down[0].committed).toBeGreaterThan(0);
    expect(down[1].committed).toBeGreaterThan(0);
    expect(down[0].committed + down[1].committed).toBe(N);
    const alerts = (await w.notices()).filter((n) => n.description.startsWith("🔴"));
    expect(alerts).toHaveLength(N);
    expect(new Set(alerts.map((n) => n.fields.monitorId)).size).toBe(N);
    expect(await w.t.countRows("monitor_incident")).toBe(N);
    // One delivery per alert and channel (email + webhook), never more.
    const deliveries = await Promise.all(alerts.map((n) => w.deliveriesOf(n.id)));
    expect(deliveries.map((d) => d.map((x) => x.channel).join())).toEqual(Array(N).fill("email,webhook"));

    await w.send("fleet");
    await w.evaluate(a);
    await race();
    const recoveries = (await w.notices()).filter((n) => n.description.startsWith("✅"));
    expect(recoveries).toHaveLength(N);
    expect(new Set(recoveries.map((n) => n.fields.monitorId)).size).toBe(N);
    const open = await w.t.db.selectFrom("monitor_incident").select("id").where("ended_at", "is", null).execute();
    expect(open).toEqual([]);
    for (const id of ids) await w.ok("monitor.delete", { id });
  });

  it("a worker whose lease ran out cannot commit after another took over", async () => {
    const category = await w.category("slow");
    const { id } = await w.ok("monitor.create", { name: "Slow", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 } });
    await w.send("slow");
    await w.evaluate();
    w.advance(11 * MIN);
    const before = (await w.notices()).length;

    // Worker A claims and stalls past its lease; B takes the monitor over and alerts.
    const stalled = await claimDueMonitors(w.t.db, { claimToken: "stalled", now: iso(w.clock.now), leaseUntil: iso(w.clock.now + MIN), limit: 10 });
    expect(stalled.map((m) => m.id)).toEqual([id]);
    w.advance(MIN);
    const took = await b.runOnce();
    expect(took.outcomes).toEqual([{ id, outcome: "committed", from: "up", to: "down", notices: ["down"] }]);
    // A wakes up and tries to commit the same transition: nothing is written.
    const late = await evaluateMonitor(w.t.services, stalled[0]!, "stalled");
    expect(late.outcome).toBe("superseded");
    expect((await w.notices()).length).toBe(before + 1);
    expect(await w.t.db.selectFrom("monitor_incident").select("id").where("monitor_id", "=", id).execute()).toHaveLength(1);
  });
});
