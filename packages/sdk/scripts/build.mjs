// Builds packages/sdk/dist: the SDK as ESM (dist/esm) and CJS (dist/cjs), each with its
// declarations, and the CLI (dist/cli.js, one self-contained file with a node shebang).
// esbuild and TypeScript are the repository root's devDependencies.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const require = createRequire(import.meta.url);

rmSync(dist, { recursive: true, force: true });

// The library: no Node built-ins (platform "neutral" would fail to resolve one), for every runtime with fetch.
const library = { entryPoints: [join(root, "src/index.ts")], bundle: true, platform: "neutral", target: "es2022", sourcemap: false, logLevel: "warning" };
await build({ ...library, format: "esm", outfile: join(dist, "esm/index.js") });
await build({ ...library, format: "cjs", outfile: join(dist, "cjs/index.js"), mainFields: ["module", "main"] });
// dist/cjs holds CommonJS (.js and .d.ts) inside a "type": "module" package.
writeFileSync(join(dist, "cjs/package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);

// Declarations, once, copied beside both builds (each folder's package type tells TypeScript which module system they describe).
const tsc = require.resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json"), "--noEmit", "false", "--declaration", "--emitDeclarationOnly", "--outDir", join(dist, "esm")], { stdio: "inherit" });
for (const file of readdirSync(join(dist, "esm"))) if (file.endsWith(".d.ts")) copyFileSync(join(dist, "esm", file), join(dist, "cjs", file));

// The CLI: Node only, the SDK bundled in.
await build({
  entryPoints: [join(root, "src/cli.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node18",
  outfile: join(dist, "cli.js"),
  banner: { js: "#!/usr/bin/env node" },
  define: { __PINGPILOT_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
});
chmodSync(join(dist, "cli.js"), 0o755);
mkdirSync(dist, { recursive: true });
console.log(`pingpilot ${version}: built ${dist}`);
