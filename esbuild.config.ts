/**
 * The server half of `npm run build` (`tsx esbuild.config.ts`): the process entries compiled to
 * dist/<name>.js, one ES module each, so production runs plain `node` (see docs/adr/0002).
 *
 * - Only src/ is bundled; every package stays an import from node_modules, resolved by Node
 *   exactly as under tsx (native modules, `next`, and `server-only` with Node's conditions).
 * - `@/…` is resolved from tsconfig.json's `paths`, as tsx and Next.js do.
 * - dist/ is one level below the project root, like src/, so `new URL("..", import.meta.url)`
 *   in main.ts still names the project root (where Next.js finds `.next/`).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL(".", import.meta.url));
export const distDir = join(root, "dist");

/** dist/<key>.js ← source. */
export const serverEntries = {
  main: "src/main.ts",
  worker: "src/worker.ts",
  migrate: "src/server/db/migrate.cli.ts",
  "seed-demo": "src/server/demo/seed-demo.cli.ts",
};

/** Compiles the entries into dist/ (about half a second; tests and benches call it before starting a process). */
export async function buildServer() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: serverEntries,
    outdir: distDir,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    // Not minified, so stack traces stay readable; the map lets `NODE_OPTIONS=--enable-source-maps` point at src/.
    sourcemap: "linked",
    logLevel: "warning",
    write: false,
  });
  // Each file replaced by a rename: a process starting while another build runs never reads half a file.
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildServer().catch(() => {
    // esbuild has already printed the errors.
    process.exitCode = 1;
  });
}
