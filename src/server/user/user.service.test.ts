import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { ensureAppUser } from "./user.service";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("ensureAppUser", () => {
  it("run 20 times at once for one identity yields exactly one user and one API key", async () => {
    const identity = { externalId: "auth-concurrent", email: "concurrent@example.com", name: "C" };
    const users = await Promise.all(Array.from({ length: 20 }, () => ensureAppUser(t.db, identity, "FREE", t.services.clock())));
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
    const rows = await t.db.selectFrom("user").selectAll().where("external_id", "=", "auth-concurrent").execute();
    expect(rows).toHaveLength(1);
    expect(
      await t.db
        .selectFrom("api_key")
        .selectAll()
        .where("workspace_id", "=", (await t.ownerAccess("concurrent@example.com")).id)
        .execute(),
    ).toHaveLength(1);
  });

  it("re-links a user left behind by a deleted identity instead of blocking the email", async () => {
    await ensureAppUser(t.db, { externalId: "auth-gone", email: "orphan@example.com", name: "O" }, "FREE", t.services.clock());
    const relinked = await ensureAppUser(t.db, { externalId: "auth-new", email: "orphan@example.com", name: "O2" }, "FREE", t.services.clock());
    expect(relinked.external_id).toBe("auth-new");
    expect(await t.db.selectFrom("user").selectAll().where("email", "=", "orphan@example.com").execute()).toHaveLength(1);
  });

  it("never takes over the email of a user whose identity still exists", async () => {
    await t.signUp("taken@example.com");
    await expect(ensureAppUser(t.db, { externalId: "intruder", email: "taken@example.com", name: "I" }, "FREE", t.services.clock())).rejects.toThrow();
  });
});
