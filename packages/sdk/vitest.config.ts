import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The SDK's tests (`npm run test:sdk` at the repository root, part of `npm test`). One global
 * setup builds dist/ and starts a real PingPilot plus the failure servers for every file:
 * - test/sdk.test.ts runs the cases of test/sdk.cases.ts on Node;
 * - test/sdk.edge.test.ts runs the same cases inside an Edge Runtime VM (no process, no require);
 * - the pack, CLI and OpenAPI drift tests use the built package and the running server.
 */
const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: { alias: { "@": repo("src"), "server-only": repo("tests/support/empty-module.ts") } },
  test: {
    name: "sdk",
    include: ["test/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
