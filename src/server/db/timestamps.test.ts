import { afterAll, beforeAll, expect, it } from "vitest";
import { toDate } from "@/server/db/db";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";

/** Far from today, so a row stamped by the wall clock stands out. */
const NOW = new Date("2031-06-15T12:00:00.000Z");

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock: { now: NOW.getTime() } });
});
afterAll(() => t.close());

it("every row PingPilot writes is stamped by the services' clock, not the wall clock", async () => {
  const u = await t.signUpWithKey("stamps@example.com");
  const category = await t.trpc("category.create", u.cookie, { name: "sale", color: "#54A0FF" });
  await t.trpc("category.update", u.cookie, { id: category.data.id, color: "#1DD1A1" });
  await t.trpc("category.quickStart", u.cookie);
  const key = await t.trpc("apiKey.create", u.cookie, { name: "second" });
  await t.trpc("apiKey.rotate", u.cookie, { id: key.data.id });
  await t.trpc("notification.save", u.cookie, { channel: "webhook", enabled: false, config: { url: "https://hooks.example.com/pingpilot" } });
  // A key in use records when, off the request path.
  expect((await t.api("/api/v1/quota", u.key)).status).toBe(200);
  for (let i = 0; i < 100 && !(await t.db.selectFrom("api_key").select("last_used_at").where("last_used_at", "is not", null).executeTakeFirst()); i++) await new Promise((r) => setTimeout(r, 10));

  const stamps: string[] = [];
  const collect = (rows: Record<string, unknown>[], columns: string[]) => {
    for (const row of rows) for (const column of columns) if (row[column]) stamps.push(`${column}=${toDate(row[column] as Date | string).toISOString()}`);
  };
  collect(await t.db.selectFrom("user").selectAll().execute(), ["created_at", "updated_at"]);
  collect(await t.db.selectFrom("api_key").selectAll().execute(), ["created_at", "revealed_at", "revoked_at", "last_used_at"]);
  collect(await t.db.selectFrom("category").selectAll().execute(), ["created_at", "updated_at"]);
  collect(await t.db.selectFrom("workspace").selectAll().execute(), ["created_at", "updated_at"]);
  collect(await t.db.selectFrom("workspace_member").selectAll().execute(), ["created_at"]);
  collect(await t.db.selectFrom("workspace_destination").selectAll().execute(), ["created_at", "updated_at"]);

  // The user (created, updated), the workspace (created, updated) and its owner's membership, the
  // sign-up key (created, revealed, last used), the second key (created, revoked), its successor
  // (created), three categories (created, updated), the webhook destination (created, updated).
  expect(stamps).toHaveLength(19);
  expect(stamps.filter((s) => !s.endsWith(NOW.toISOString()))).toEqual([]);
});
