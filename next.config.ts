import type { NextConfig } from "next";

const config: NextConfig = {
  // Native or Node-only server packages are loaded from node_modules, not bundled.
  serverExternalPackages: ["better-sqlite3", "pg", "@node-rs/argon2", "pino", "nodemailer", "kysely", "undici", "prom-client"],
  poweredByHeader: false,
  // The custom server (src/main.ts) owns the HTTP port; Next.js renders pages only.
  typescript: { ignoreBuildErrors: false },
};

export default config;
