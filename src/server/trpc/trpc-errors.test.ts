import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";

let t: TestApp;
let cookie: string;
beforeAll(async () => {
  t = await startTestApp();
  ({ cookie } = await t.signUp("trpc-errors@example.com"));
});
afterAll(() => t.close());

describe("tRPC errors: one model", () => {
  it("a validation failure is VALIDATION_FAILED with a readable message and the public API's details shape", async () => {
    const res = await t.trpc("category.create", cookie, { name: 5, color: "red" });
    expect(res.status).toBe(422);
    expect(res.error.data).toMatchObject({ code: "UNPROCESSABLE_CONTENT", appCode: "VALIDATION_FAILED" });
    expect(res.error.message).not.toMatch(/^\s*[[{]/); // not a JSON dump of zod issues
    expect(res.error.message).toMatch(/^name: /);
    expect(res.error.data.details.map((d: { field: string }) => d.field).sort()).toEqual(["color", "name"]);
    expect(res.error.data.details.every((d: { message: string }) => d.message.length > 0)).toBe(true);
  });

  it("a service's AppError keeps its code and message", async () => {
    await t.trpc("category.create", cookie, { name: "dup", color: "#000000" });
    const res = await t.trpc("category.create", cookie, { name: "dup", color: "#000000" });
    expect(res.error.data).toMatchObject({ code: "CONFLICT", appCode: "CONFLICT" });
    expect(res.error.message).toMatch(/dup/);
  });

  it("tRPC's own errors carry a code of the same model: no session, an unknown procedure", async () => {
    const signedOut = await t.trpc("category.list", "", undefined, "query");
    expect(signedOut.status).toBe(401);
    expect(signedOut.error.data.appCode).toBe("UNAUTHENTICATED");
    const unknown = await t.trpc("category.nothingHere", cookie, undefined, "query");
    expect(unknown.status).toBe(404);
    expect(unknown.error.data.appCode).toBe("NOT_FOUND");
  });

  it("an unexpected error shows a generic sentence, never the database's message, and is logged with its cause", async () => {
    const logged: unknown[] = [];
    const original = t.services.logger.error.bind(t.services.logger);
    t.services.logger.error = ((obj: unknown, ...rest: unknown[]) => {
      logged.push(obj);
      return original(obj as never, ...(rest as []));
    }) as typeof t.services.logger.error;
    await sql`drop table api_key`.execute(t.db);
    const res = await t.trpc("apiKey.list", cookie, undefined, "query");
    expect(res.status).toBe(500);
    expect(res.error.data.appCode).toBe("INTERNAL");
    expect(res.error.message).toBe("Something went wrong on our side. Try again in a moment.");
    expect(JSON.stringify(res.error)).not.toMatch(/api_key|SQLITE|relation|no such table/i);
    expect(logged.map((l) => String((l as { err?: Error }).err?.message))).toContainEqual(expect.stringMatching(/api_key/));
  });
});
