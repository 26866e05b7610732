import { defineConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The suites whose answers depend on the date (quotas, stats and rollups, cards, deliveries and
 * their schedules, link codes, key caches), run with PINGPILOT_TEST_NOW a few seconds before a
 * month or year boundary (`npm run test:boundaries`). Process tests are left out: the worker
 * processes they spawn read the real clock, as in production.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "src/server/stats/**/*.test.ts",
      "src/server/category/**/*.test.ts",
      "src/server/http/routes/v1/**/*.test.ts",
      "src/server/delivery/delivery.test.ts",
      "src/server/delivery/channels/**/*.test.ts",
      "src/server/notification/**/*.test.ts",
      "src/server/api-key/**/*.test.ts",
      "src/server/auth/**/*.test.ts",
      "tests/security/server-owned-fields.test.ts",
      "tests/security/limits.test.ts",
      "tests/security/ssrf.test.ts",
    ],
  },
});
