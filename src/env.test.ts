import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

const dataDir = () => mkdtempSync(join(tmpdir(), "pingpilot-env-"));
const problemsOf = (source: Record<string, string>) => {
  try {
    parseEnv({ DATA_DIR: dataDir(), ...source });
  } catch (e) {
    if (e instanceof EnvError) return e.problems;
    throw e;
  }
  return [];
};

describe("environment", () => {
  it("starts with no configuration at all: SQLite in ./data, port 3000, PRO plan, a generated owner-only secret", () => {
    const dir = dataDir();
    const env = parseEnv({ DATA_DIR: dir });
    expect(env.database).toEqual({ dialect: "sqlite", file: join(dir, "pingpilot.db") });
    expect(env.PORT).toBe(3000);
    expect(env.HOST).toBe("0.0.0.0");
    expect(env.APP_URL).toBe("http://localhost:3000");
    expect(env.DEFAULT_PLAN).toBe("PRO");
    expect(env.WORKER).toBe(true);
    expect(env.authSecretGenerated).toBe(true);
    expect(env.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    const file = join(dir, "auth-secret");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe(env.AUTH_SECRET);
    // The same secret on the next start: sessions survive restarts.
    expect(parseEnv({ DATA_DIR: dir }).AUTH_SECRET).toBe(env.AUTH_SECRET);
  });

  it("switches to PostgreSQL for a postgres:// DATABASE_URL", () => {
    expect(parseEnv({ DATA_DIR: dataDir(), DATABASE_URL: "postgres://u@h:5432/db" }).database).toEqual({ dialect: "postgres", url: "postgres://u@h:5432/db", poolMax: 10 });
    expect(parseEnv({ DATA_DIR: dataDir(), DATABASE_URL: "postgres://u@h:5432/db", DATABASE_POOL_MAX: "40" }).database).toMatchObject({ poolMax: 40 });
  });

  it.each([
    ["short", "abc123"],
    ["one repeated character", "a".repeat(40)],
    ["a repeated pattern", "abc123".repeat(8)],
  ])("refuses a weak AUTH_SECRET (%s) with a message that says how to fix it", (_, secret) => {
    const problems = problemsOf({ AUTH_SECRET: secret });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/AUTH_SECRET/);
    expect(problems[0]).toMatch(/openssl rand/);
  });

  it("accepts a random AUTH_SECRET", () => {
    expect(problemsOf({ AUTH_SECRET: "q8Xv2mK9pL4wR7tY1zN6bC3dF5gH0jS+uE/aQ==" })).toEqual([]);
  });

  it("lists every problem at once, one clear line each", () => {
    const problems = problemsOf({ AUTH_SECRET: "short", GITHUB_CLIENT_ID: "only-id", SMTP_URL: "mail.example.com", OIDC_CLIENT_ID: "x", OIDC_CLIENT_SECRET: "y" });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together/),
        expect.stringMatching(/SMTP_URL must start with smtp/),
        expect.stringMatching(/OIDC_ISSUER is required/),
        expect.stringMatching(/AUTH_SECRET/),
      ]),
    );
  });

  it("rejects malformed values by name", () => {
    expect(problemsOf({ PORT: "eighty" })[0]).toMatch(/^PORT/);
    expect(problemsOf({ HOST: " " })[0]).toMatch(/^HOST/);
    expect(problemsOf({ APP_URL: "localhost" })[0]).toMatch(/^APP_URL/);
    expect(problemsOf({ DEFAULT_PLAN: "GOLD" })[0]).toMatch(/^DEFAULT_PLAN/);
  });

  it("configures OAuth providers only when both halves are set", () => {
    const env = parseEnv({ DATA_DIR: dataDir(), GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "s", OIDC_ISSUER: "http://127.0.0.1:9/", OIDC_CLIENT_ID: "c", OIDC_CLIENT_SECRET: "d" });
    expect(env.oauth.github).toEqual({ clientId: "id", clientSecret: "s" });
    expect(env.oauth.google).toBeUndefined();
    expect(env.oauth.oidc).toMatchObject({ issuer: "http://127.0.0.1:9", name: "Single sign-on" });
  });
});
