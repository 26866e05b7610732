import { describe, inject, it } from "vitest";
import { cases } from "./sdk.cases";

/** The SDK cases on Node (the same cases run in the edge VM: sdk.edge.test.ts). */
const { packageDir: _, ...ctx } = inject("sdk");

describe("SDK on Node", () => {
  it.concurrent.each(cases.map(([name, run]) => ({ name, run })))("$name", ({ run }) => run(ctx));
});
