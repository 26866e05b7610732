import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/**
 * The package as npm ships it: `npm pack` of packages/sdk (dist/ built by the global setup),
 * installed from the tarball into an empty folder outside the repository, then imported as ESM
 * and required as CJS by plain `node`, type-checked from a consumer with Node's module
 * resolution, and its bin run — against the running PingPilot.
 */
const run = promisify(execFile);
const fixtures = inject("sdk");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
let consumer: string;
let packed: { filename: string; files: { path: string }[] };

beforeAll(async () => {
  consumer = mkdtempSync(join(tmpdir(), "pingpilot-consumer-"));
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", consumer], { cwd: fixtures.packageDir });
  packed = JSON.parse(stdout)[0];
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", join(consumer, packed.filename)], { cwd: consumer });
}, 120_000);

afterAll(() => rmSync(consumer, { recursive: true, force: true }));

const env = () => ({ ...process.env, PP_KEY: fixtures.key, PP_URL: fixtures.url, PP_CATEGORY: fixtures.category });

describe("npm pack → npm install → node", () => {
  it("ships dist (ESM, CJS, types, CLI), the README and the licence, and nothing else", () => {
    const files = packed.files.map((f) => f.path).sort();
    for (const file of ["LICENSE", "README.md", "package.json", "dist/cli.js", "dist/esm/index.js", "dist/esm/index.d.ts", "dist/cjs/index.js", "dist/cjs/index.d.ts", "dist/cjs/package.json"]) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => !f.startsWith("dist/") && !["LICENSE", "README.md", "package.json"].includes(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(consumer, "node_modules/pingpilot/package.json"), "utf8"));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(readFileSync(join(consumer, "node_modules/pingpilot/dist/cli.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("import { PingPilot } from 'pingpilot' (ESM) tracks an event on the running server", async () => {
    const script = `
      import { PingPilot, PingPilotError, isDisabled } from "pingpilot";
      const pp = new PingPilot({ apiKey: process.env.PP_KEY, baseUrl: process.env.PP_URL });
      const event = await pp.track({ category: process.env.PP_CATEGORY, description: "from the packed ESM build", fields: { n: 1 } });
      let code;
      try { await pp.track({ category: "no-such-category" }); } catch (error) { code = error instanceof PingPilotError && error.code; }
      console.log(JSON.stringify({ id: event.id, category: event.category, code, disabled: isDisabled(await new PingPilot({}).quota()) }));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: consumer, env: env() });
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ category: fixtures.category, disabled: true });
    expect(out.id).toMatch(/\S/);
    expect(out.code).toMatch(/^[A-Z_]+$/);
  });

  it("require('pingpilot') (CJS) tracks an event on the running server", async () => {
    const script = `
      const { PingPilot, PingPilotError } = require("pingpilot");
      const pp = new PingPilot({ apiKey: process.env.PP_KEY, baseUrl: process.env.PP_URL });
      pp.batch([{ category: process.env.PP_CATEGORY, description: "from the packed CJS build" }])
        .then((r) => console.log(JSON.stringify({ statuses: r.results.map((x) => x.status), errorClass: typeof PingPilotError })))
        .catch((e) => { console.error(e); process.exit(1); });
    `;
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: consumer, env: env() });
    expect(JSON.parse(stdout)).toEqual({ statuses: [202], errorClass: "function" });
  });

  it("types resolve for both import and require (moduleResolution node16)", async () => {
    writeFileSync(
      join(consumer, "esm.mts"),
      `import { PingPilot, isDisabled, type AcceptedEvent } from "pingpilot";
const pp = new PingPilot({ apiKey: "pp_x", baseUrl: "http://localhost:3000" });
export async function f(): Promise<string | undefined> { const r = await pp.track({ category: "sale", fields: { amount: 1 } }); return isDisabled(r) ? undefined : (r satisfies AcceptedEvent).id; }
`,
    );
    writeFileSync(
      join(consumer, "cjs.cts"),
      `import pingpilot = require("pingpilot");
const pp = new pingpilot.PingPilot({ disabled: true });
export const enabled: boolean = pp.enabled;
export const error: pingpilot.PingPilotError | undefined = undefined;
`,
    );
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: "node16", moduleResolution: "node16", target: "es2022", lib: ["es2022", "dom"], types: [] },
        files: ["esm.mts", "cjs.cts"],
      }),
    );
    const result = await run(process.execPath, [tsc, "-p", "."], { cwd: consumer }).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
    expect(result.stdout).toBe("");
  }, 60_000);

  it("the pingpilot bin is installed", async () => {
    const { stdout } = await run(join(consumer, "node_modules/.bin/pingpilot"), ["--version"], { cwd: consumer });
    expect(stdout.trim()).toBe(JSON.parse(readFileSync(join(fixtures.packageDir, "package.json"), "utf8")).version);
  });
});
