import { fileURLToPath } from "node:url";
import { EdgeVM } from "@edge-runtime/vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { names } from "./sdk.cases";

/**
 * The same cases (sdk.cases.ts, bundled with the SDK's source) inside an Edge Runtime VM: the
 * globals of Vercel Edge and Cloudflare Workers (fetch, Request, AbortController, crypto,
 * setTimeout…) and nothing of Node's — no process, require, Buffer or node: modules. The
 * bundle is built for platform "neutral", where importing a Node built-in fails the build.
 */
const { packageDir: _, ...ctx } = inject("sdk");
let vm: EdgeVM;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./sdk.cases.ts", import.meta.url))],
    bundle: true,
    platform: "neutral",
    format: "iife",
    globalName: "__sdkCases",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  vm = new EdgeVM();
  vm.evaluate(bundle.outputFiles[0]!.text);
});

describe("SDK in the Edge Runtime VM", () => {
  it("has no Node APIs in there", () => {
    expect(vm.evaluate("typeof process")).toBe("undefined");
    expect(vm.evaluate("typeof require")).toBe("undefined");
    expect(vm.evaluate("typeof Buffer")).toBe("undefined");
    expect(vm.evaluate("typeof setImmediate")).toBe("undefined");
    expect(vm.evaluate("typeof EdgeRuntime")).toBe("string");
    expect(vm.evaluate("typeof fetch")).toBe("function");
  });

  it.concurrent.each(names())("%s", async (name) => {
    await vm.evaluate(`__sdkCases.run(${JSON.stringify(name)}, ${JSON.stringify(ctx)})`);
  });
});
