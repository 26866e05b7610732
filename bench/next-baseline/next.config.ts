import type { NextConfig } from "next";

const config: NextConfig = {
  serverExternalPackages: ["better-sqlite3", "pg", "@node-rs/argon2", "pino", "nodemailer", "kysely"],
  typescript: { ignoreBuildErrors: true },
};
export default config;
