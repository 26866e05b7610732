/**
 * The public API of monitors (API key) and the ping URLs (no key). Every answer through `t.api`
 * and every ping answer is checked against the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertDocumented, checkingConformance } from "../../../tests/support/openapi-conformance";
import { MIN, startMonitorWorld, type MonitorWorld } from "./monitor.fixtures";

let w: MonitorWorld;
let category: string;

beforeAll(async () => {
  w = await startMonitorWorld({ start: "2026-09-01T08:00:00Z" });
  checkingConformance(w.t);
  category = await w.category("cron-jobs");
});
afterAll(() => w.close());

const api = (path: string, init: Parameters<MonitorWorld["t"]["api"]>[2] = {}, key = w.ada.key) => w.t.api(`/api/v1${path}`, key, init);
/** A ping, as curl would send it (no key, no body), checked against the document. */
async function ping(path: string, init: { method?: string; ip?: string; body?: string } = {}) {
  const headers: Record<string, string> = init.body ? { "content-type": "text/plain", "content-length": String(Buffer.byteLength(init.body)) } : {};
  const res = await w.t.request(`/api/v1/ping/${path}`, { method: init.method ?? "POST", ip: init.ip, body: init.body, headers });
  await assertDocumented(init.method ?? "POST", `/api/v1/ping/${path}`, res);
  return res;
}

describe("/api/v1/monitors", () => {
  it("creates, lists, reads, changes and deletes a monitor with an API key", async () => {
    const created = await api("/monitors", { json: { name: "Hourly import", categoryId: category, kind: "heartbeat", heartbeat: { every: 3600, graceSeconds: 300 } } });
    expect(created.status).toBe(201);
    const { id, pingToken, pingUrl } = await created.json();
    expect(pingUrl).toBe(`http://localhost:3999/api/v1/ping/${pingToken}`);
    // Only the token's hash is stored.
    const stored = await w.t.db.selectFrom("monitor").select("ping_token_hash").where("id", "=", id).executeTakeFirstOrThrow();
    expect(stored.ping_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await w.t.db.selectFrom("monitor").selectAll().execute())).not.toContain(pingToken);

    const list = await (await api("/monitors")).json();
    expect(list.data.map((m: { id: string }) => m.id)).toContain(id);
    const one = await (await api(`/monitors/${id}`)).json();
    expect(one).toMatchObject({ id, name: "Hourly import", kind: "heartbeat", state: "waiting", categoryName: "cron-jobs", incidents: [] });
    expect(JSON.stringify(one)).not.toContain(pingToken);

    const patched = await api(`/monitors/${id}`, { method: "PATCH", json: { name: "Import", heartbeat: { cron: "15 * * * *", timezone: "Europe/Berlin", graceSeconds: 60 }, renotifySeconds: 3600 } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ name: "Import", config: { heartbeat: { cron: "15 * * * *", timezone: "Europe/Berlin", graceSeconds: 60 }, renotifySeconds: 3600 } });
    const wrongKind = await api(`/monitors/${id}`, { method: "PATCH", json: { threshold: { aggregate: "count", windowSeconds: 600, op: ">=", bound: 1 } } });
    expect(wrongKind.status).toBe(422);

    expect((await (await api(`/monitors/${id}/incidents`)).json()).data).toEqual([]);
    expect((await api(`/monitors/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(`/monitors/${id}`)).status).toBe(404);
    expect((await api(`/monitors/${id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("answers 422 naming each field (400 for what is not JSON) and stores nothing", async () => {
    const before = await w.t.countRows("monitor");
    const bad: [unknown, string][] = [
      [{ name: "x", categoryId: category, kind: "threshold", threshold: { aggregate: "avg", windowSeconds: 600, op: ">=", bound: 1 } }, "threshold.field"],
      [{ name: "x", categoryId: category, kind: "heartbeat", heartbeat: { graceSeconds: 1 } }, "heartbeat.every"],
      [{ name: "x", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: -1 } }, "heartbeat.graceSeconds"],
      [{ name: "x", categoryId: category, kind: "cron" }, "kind"],
      [{ name: "x", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 }, extra: 1 }, "(body)"],
      [{ name: "x".repeat(65), categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 } }, "name"],
    ];
    for (const [body, field] of bad) {
      const res = await api("/monitors", { json: body });
      const answer = await res.json();
      expect([field, res.status]).toEqual([field, 422]);
      expect(answer.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await api("/monitors", { body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await api("/monitors", { json: { name: "x", categoryId: "nope", kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 } } })).status).toBe(404);
    expect(await w.t.countRows("monitor")).toBe(before);
  });

  it("keeps one workspace's monitors from another's key", async () => {
    const { id } = await (
      await api("/monitors", { json: { name: "Private", categoryId: category, kind: "threshold", threshold: { aggregate: "count", windowSeconds: 600, op: ">=", bound: 5 } } })
    ).json();
    for (const [path, method] of [
      [`/monitors/${id}`, "GET"],
      [`/monitors/${id}`, "PATCH"],
      [`/monitors/${id}`, "DELETE"],
      [`/monitors/${id}/incidents`, "GET"],
    ] as const) {
      const res = await api(path, { method, ...(method === "PATCH" ? { json: { name: "Eve's now" } } : {}) }, w.eve.key);
      expect([path, method, res.status]).toEqual([path, method, 404]);
    }
    expect((await (await api("/monitors", {}, w.eve.key)).json()).data).toEqual([]);
    expect((await api("/monitors", { json: { name: "Steal", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 } } }, w.eve.key)).status).toBe(404);
    expect((await (await api(`/monitors/${id}`)).json()).name).toBe("Private");
    expect((await api(`/monitors/${id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("is in the OpenAPI document, which passes Redocly's recommended rules with no warning", async () => {
    const doc = await (await w.t.request("/api/v1/openapi.json")).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/monitors", "/monitors/{id}", "/monitors/{id}/incidents", "/ping/{token}", "/ping/{token}/start", "/ping/{token}/fail"]));
    expect(doc.paths["/ping/{token}"].get.security).toEqual([]);
    const { createConfig, lintFromString } = await import("@redocly/openapi-core");
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: "openapi.json", config: await createConfig({ extends: ["recommended"] }) });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });
});

describe("ping URLs", () => {
  it("record success, start and fail events without a key, measure the run, and make the heartbeat down at once on /fail", async () => {
    const { id, pingToken } = await (await api("/monitors", { json: { name: "Backup", categoryId: category, kind: "heartbeat", heartbeat: { every: 86400, graceSeconds: 600 } } })).json();
    const quota = async () => Number((await api("/quota")).headers.get("x-quota-remaining"));
    const left = await quota();

    const first = await ping(pingToken);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, durationMs: null });
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("up");

    expect((await ping(`${pingToken}/start`, { method: "GET" })).status).toBe(200);
    w.advance(12_300);
    const done = await ping(pingToken, { method: "GET" });
    expect(await done.json()).toEqual({ ok: true, durationMs: 12_300 });
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("up");

    const events = await (await api("/events?category=cron-jobs&limit=10")).json();
    expect(events.data.map((e: { fields: unknown }) => e.fields)).toEqual([
      { ping: "success", monitor: id, durationMs: 12_300 },
      { ping: "start", monitor: id },
      { ping: "success", monitor: id },
    ]);
    expect(events.data[0].description).toBe("Ping: success (ran 12.3 s)");
    expect(await quota()).toBe(left - 3);

    const before = (await w.notices()).length;
    await ping(`${pingToken}/start`);
    w.advance(2 * MIN);
    const failed = await ping(`${pingToken}/fail`);
    expect(await failed.json()).toEqual({ ok: true, durationMs: 120_000 });
    await w.evaluate();
    const down = await w.monitor(id);
    expect(down.state).toBe("down");
    expect(down.incidents[0].reason).toMatch(/^A \/fail ping at/);
    const alerts = (await w.notices()).slice(before);
    expect(alerts.map((n) => n.description)).toEqual([expect.stringMatching(/^🔴 Backup is down — A \/fail ping at/)]);
    // The next success recovers it.
    await ping(pingToken);
    await w.evaluate();
    expect((await w.monitor(id)).state).toBe("up");
    expect((await w.notices()).slice(before).map((n) => Array.from(n.description)[0])).toEqual(["🔴", "✅"]);
    expect((await api(`/monitors/${id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("a /fail ping takes down only its own heartbeat, not another one on the same category", async () => {
    const create = async (name: string) => (await api("/monitors", { json: { name, categoryId: category, kind: "heartbeat", heartbeat: { every: 86400, graceSeconds: 600 } } })).json();
    const [nightly, weekly] = [await create("Nightly"), await create("Weekly")];
    await ping(nightly.pingToken);
    await w.evaluate();
    expect([(await w.monitor(nightly.id)).state, (await w.monitor(weekly.id)).state]).toEqual(["up", "up"]);
    await ping(`${nightly.pingToken}/fail`);
    await w.evaluate();
    expect([(await w.monitor(nightly.id)).state, (await w.monitor(weekly.id)).state]).toEqual(["down", "up"]);
    for (const m of [nightly, weekly]) expect((await api(`/monitors/${m.id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("answers 404 to unknown tokens, throttles per monitor and per address, and limits the body", async () => {
    const { id, pingToken } = await (await api("/monitors", { json: { name: "Throttled", categoryId: category, kind: "heartbeat", heartbeat: { every: 600, graceSeconds: 0 } } })).json();
    expect((await ping("not-a-token")).status).toBe(404);
    expect((await ping(`${"A".repeat(32)}`)).status).toBe(404);
    expect((await w.t.request(`/api/v1/ping/${pingToken}/other`, { method: "POST" })).status).toBe(404);
    expect((await w.t.request(`/api/v1/ping/${pingToken}`, { method: "DELETE" })).status).toBe(404);

    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await ping(pingToken)).status);
    expect(statuses.slice(0, 18)).toEqual(Array(18).fill(200));
    const refused = await ping(pingToken);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe("RATE_LIMITED");
    w.advance(60_000);
    expect((await ping(pingToken)).status).toBe(200);

    const misses: number[] = [];
    for (let i = 0; i < 25; i++) misses.push((await ping(`${"B".repeat(30)}${i}`, { ip: "203.0.113.7" })).status);
    expect(misses.slice(0, 20)).toEqual(Array(20).fill(404));
    expect(misses.at(-1)).toBe(429);
    // Another address is not held up by that one.
    expect((await ping(`${"B".repeat(31)}`, { ip: "203.0.113.8" })).status).toBe(404);

    w.advance(60_000);
    const big = await ping(pingToken, { body: "x".repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect((await api(`/monitors/${id}`, { method: "DELETE" })).status).toBe(204);
  });
});
