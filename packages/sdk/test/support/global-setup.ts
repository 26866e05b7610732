import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startRealServer } from "../../../../tests/support/real-server";
import { startTestApp } from "../../../../tests/support/test-app";
import { startDropProxy, startStub, unusedPort } from "./servers";

/** What every SDK test gets (inject("sdk")): a real PingPilot with an account, its key and a category, plus the failure servers. */
export type SdkFixtures = {
  /** The real PingPilot (node:http + the app, as src/main.ts serves it). */
  url: string;
  key: string;
  /** A category that exists for `key`. */
  category: string;
  /** The drop-the-first-answer proxy in front of `url`. */
  proxyUrl: string;
  /** The scripted stub API. */
  stubUrl: string;
  /** A 127.0.0.1 port nothing listens on (connections are refused). */
  deadUrl: string;
  /** The built package (dist/), for the pack and CLI tests. */
  packageDir: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    sdk: SdkFixtures;
  }
}

export default async function setup(project: TestProject) {
  const packageDir = fileURLToPath(new URL("../..", import.meta.url));
  // Built once here, before any test file runs: the CLI and pack tests use dist/.
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.mjs", import.meta.url))], { stdio: "inherit" });

  const server = await startRealServer({
    env: { API_RATE_LIMIT_BURST: "10000", API_RATE_LIMIT_PER_SECOND: "10000", PLAN_CATEGORY_LIMIT: "1000", PLAN_EVENT_LIMIT: "1000000" },
  });
  // An account, a key and a category, made through the in-process app on the server's database.
  const database = server.services.env.database as { file?: string; url?: string };
  const setupApp = await startTestApp({ env: { DATABASE_URL: database.file ?? database.url! } });
  const { key } = await setupApp.signUpWithKey("sdk@example.com");
  await setupApp.close();
  const category = "sdk";
  const created = await fetch(`${server.url}/api/v1/categories`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ name: category, emoji: "📦" }),
  });
  if (created.status !== 201) throw new Error(`creating the category failed: ${created.status} ${await created.text()}`);

  const proxy = await startDropProxy(server.url);
  const stub = await startStub();
  const deadUrl = await unusedPort();
  project.provide("sdk", { url: server.url, key, category, proxyUrl: proxy.url, stubUrl: stub.url, deadUrl, packageDir });

  return async () => {
    await stub.close();
    await proxy.close();
    await server.close();
  };
}
