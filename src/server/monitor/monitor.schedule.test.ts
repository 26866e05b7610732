/**
 * Cron heartbeats across the daylight-saving changes of 2026: Europe/Berlin (29 March, 25
 * October) and America/New_York (8 March, 1 November). Deadlines land on the local time; a
 * local time that does not exist runs once, an hour later on the clock (the same instant as
 * the gap's start plus its offset), and one that exists twice runs once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideHeartbeat } from "./monitor.evaluate";
import { MIN, startMonitorWorld, type MonitorWorld } from "./monitor.fixtures";
import { cronProblem, isTimeZone, nextCronAfter } from "./monitor.schedule";

const local = (d: Date, zone: string) => d.toLocaleString("sv-SE", { timeZone: zone, hour12: false });

describe("nextCronAfter", () => {
  // [expression, zone, after (UTC), expected (UTC), expected local wall time]
  // biome-ignore format: a table
  const cases: [string, string, string, string, string][] = [
    ["0 3 * * *",  "Europe/Berlin",    "2026-03-28T02:00:05Z", "2026-03-29T01:00:00.000Z", "2026-03-29 03:00:00"], // CET → CEST
    ["0 3 * * *",  "Europe/Berlin",    "2026-03-29T01:00:05Z", "2026-03-30T01:00:00.000Z", "2026-03-30 03:00:00"],
    ["0 3 * * *",  "Europe/Berlin",    "2026-10-24T01:00:05Z", "2026-10-25T02:00:00.000Z", "2026-10-25 03:00:00"], // CEST → CET
    ["0 3 * * *",  "America/New_York", "2026-03-07T08:00:05Z", "2026-03-08T07:00:00.000Z", "2026-03-08 03:00:00"], // EST → EDT
    ["0 3 * * *",  "America/New_York", "2026-10-31T07:00:05Z", "2026-11-01T08:00:00.000Z", "2026-11-01 03:00:00"], // EDT → EST
    // 02:30 does not exist on the night the clocks go forward: once, at 03:30.
    ["30 2 * * *", "Europe/Berlin",    "2026-03-28T01:30:05Z", "2026-03-29T01:30:00.000Z", "2026-03-29 03:30:00"],
    ["30 2 * * *", "Europe/Berlin",    "2026-03-29T01:30:05Z", "2026-03-30T00:30:00.000Z", "2026-03-30 02:30:00"],
    ["30 2 * * *", "America/New_York", "2026-03-07T07:30:05Z", "2026-03-08T07:30:00.000Z", "2026-03-08 03:30:00"],
    // 01:30 happens twice on the night they go back: once, at the first.
    ["30 1 * * *", "America/New_York", "2026-10-31T05:30:05Z", "2026-11-01T05:30:00.000Z", "2026-11-01 01:30:00"],
    ["30 1 * * *", "America/New_York", "2026-11-01T05:30:05Z", "2026-11-02T06:30:00.000Z", "2026-11-02 01:30:00"],
    ["30 2 * * *", "Europe/Berlin",    "2026-10-24T00:30:05Z", "2026-10-25T00:30:00.000Z", "2026-10-25 02:30:00"],
    ["30 2 * * *", "Europe/Berlin",    "2026-10-25T00:30:05Z", "2026-10-26T01:30:00.000Z", "2026-10-26 02:30:00"],
  ];
  for (const [expr, zone, after, expected, wall] of cases) {
    it(`${expr} in ${zone} after ${after}`, () => {
      const next = nextCronAfter(expr, zone, new Date(after));
      expect(next.toISOString()).toBe(expected);
      expect(local(next, zone)).toBe(wall);
    });
  }

  it("is strictly after, and a fire time exactly now is the next day's", () => {
    expect(nextCronAfter("0 3 * * *", "UTC", new Date("2026-05-01T03:00:00Z")).toISOString()).toBe("2026-05-02T03:00:00.000Z");
    expect(nextCronAfter("0 3 * * *", "UTC", new Date("2026-05-01T02:59:59.999Z")).toISOString()).toBe("2026-05-01T03:00:00.000Z");
  });

  it("refuses what it cannot schedule", () => {
    expect(cronProblem("0 3 * * *", "Europe/Berlin")).toBeUndefined();
    expect(cronProblem("0 0 30 2 *", "UTC")).toMatch(/Not a valid cron expression/);
    expect(cronProblem("0 25 * * *", "UTC")).toMatch(/Not a valid cron expression/);
    expect(cronProblem("0 3 * * * *", "UTC")).toMatch(/5 fields/);
    expect(cronProblem("@daily", "UTC")).toMatch(/5 fields/);
    expect(cronProblem("0 3 * * *", "Europe/Atlantis")).toMatch(/Unknown time zone/);
    expect(isTimeZone("America/New_York")).toBe(true);
  });

  it("decides late and down from the local deadline", () => {
    const h = { cron: "0 3 * * *", timezone: "Europe/Berlin", graceSeconds: 600 };
    const last = { at: new Date("2026-03-28T02:00:05Z"), fail: false };
    expect(decideHeartbeat(h, last, new Date("2026-03-29T00:59:59Z"))).toMatchObject({ state: "up", nextCheckAt: new Date("2026-03-29T01:00:00Z") });
    expect(decideHeartbeat(h, last, new Date("2026-03-29T01:00:00Z"))).toMatchObject({ state: "late", nextCheckAt: new Date("2026-03-29T01:10:00Z") });
    expect(decideHeartbeat(h, last, new Date("2026-03-29T01:10:00Z"))).toMatchObject({ state: "down", since: new Date("2026-03-29T01:10:00Z") });
  });
});

describe("a cron heartbeat through the year", () => {
  let w: MonitorWorld;
  beforeAll(async () => {
    w = await startMonitorWorld({ start: "2026-03-06T12:00:00Z" });
  });
  afterAll(() => w.close());

  it("expects its run at 03:00 local in Berlin and New York before and after each change", async () => {
    const berlinCategory = await w.category("berlin-backup");
    const nyCategory = await w.category("ny-backup");
    const berlin = (
      await w.ok("monitor.create", { name: "Berlin backup", categoryId: berlinCategory, kind: "heartbeat", heartbeat: { cron: "0 3 * * *", timezone: "Europe/Berlin", graceSeconds: 600 } })
    ).id;
    const ny = (await w.ok("monitor.create", { name: "NY backup", categoryId: nyCategory, kind: "heartbeat", heartbeat: { cron: "0 3 * * *", timezone: "America/New_York", graceSeconds: 600 } })).id;

    /** The job runs at `when`, pinging just after 03:00 local. */
    async function run(category: string, when: string) {
      w.at(when);
      await w.send(category);
      await w.evaluate();
    }
    const next = async (id: string) => (await w.monitor(id)).nextCheckAt as string;

    await run("berlin-backup", "2026-03-07T02:00:05Z"); // 03:00:05 CET
    expect(await next(berlin)).toBe("2026-03-08T02:00:00.000Z");
    await run("ny-backup", "2026-03-07T08:00:05Z"); // 03:00:05 EST
    expect(await next(ny)).toBe("2026-03-08T07:00:00.000Z"); // 03:00 EDT

    // Berlin's job fails to run on the night of the change: late at 03:00 CEST, down at 03:10.
    await run("berlin-backup", "2026-03-28T02:00:05Z");
    expect(await next(berlin)).toBe("2026-03-29T01:00:00.000Z");
    w.at("2026-03-29T01:00:00Z");
    await w.evaluate();
    expect((await w.monitor(berlin)).state).toBe("late");
    w.at("2026-03-29T01:10:00Z");
    await w.evaluate();
    const down = await w.monitor(berlin);
    expect(down.state).toBe("down");
    expect(down.incidents[0].startedAt).toBe("2026-03-29T01:10:00.000Z");
    await run("berlin-backup", "2026-03-29T01:20:00Z");
    expect(await w.monitor(berlin)).toMatchObject({ state: "up", nextCheckAt: "2026-03-30T01:00:00.000Z" });
    expect((await w.monitor(berlin)).incidents[0].durationSeconds).toBe(10 * 60);

    await run("berlin-backup", "2026-10-24T01:00:05Z"); // 03:00:05 CEST
    expect(await next(berlin)).toBe("2026-10-25T02:00:00.000Z"); // 03:00 CET
    await run("ny-backup", "2026-10-31T07:00:05Z"); // 03:00:05 EDT
    expect(await next(ny)).toBe("2026-11-01T08:00:00.000Z"); // 03:00 EST
    // One hour before New York's 03:00 EST it is 03:00 EDT's instant + 1 h: not late yet.
    w.at("2026-11-01T07:30:00Z");
    await w.evaluate();
    expect((await w.monitor(ny)).state).not.toBe("late");
    w.at(new Date(Date.parse("2026-11-01T08:00:00Z") + 5 * MIN).toISOString());
    await w.evaluate();
    expect((await w.monitor(ny)).state).toBe("late");
  });
});
