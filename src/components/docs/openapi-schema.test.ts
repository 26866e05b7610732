import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";
import { endpointsOf, sampleOf, type OpenApiDocument } from "./openapi-schema";

/** The document the page renders: the one the API serves. */
let t: TestApp;
let doc: OpenApiDocument;
beforeAll(async () => {
  t = await startTestApp();
  doc = (await (await t.request("/api/v1/openapi.json")).json()) as OpenApiDocument;
});
afterAll(() => t.close());

describe("the /docs/api page's samples", () => {
  it("every success sample the page shows is filled in: no null where the schema names fields", () => {
    for (const endpoint of endpointsOf(doc)) {
      for (const [status, response] of Object.entries(endpoint.operation.responses ?? {})) {
        if (!status.startsWith("2")) continue;
        const schema = response.content?.["application/json"]?.schema;
        if (!schema) continue;
        expect({ endpoint: endpoint.id, status, nulls: JSON.stringify(sampleOf(doc, schema)).includes("null") }).toEqual({ endpoint: endpoint.id, status, nulls: false });
      }
    }
  });

  it("an extended schema (allOf) shows its base's fields and its own", () => {
    const batch = endpointsOf(doc).find((e) => e.path.endsWith("/events/batch"))!;
    const sample = sampleOf(doc, batch.operation.responses?.["200"]?.content?.["application/json"]?.schema) as { results: Record<string, unknown>[] };
    expect(sample.results[0]).toEqual(expect.objectContaining({ status: 202, id: expect.anything(), category: expect.anything() }));
  });
});
