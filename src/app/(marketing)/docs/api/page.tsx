import { OpenAPIHono } from "@hono/zod-openapi";
import type { Metadata } from "next";
import { ApiReference } from "@/components/docs/api-reference";
import type { OpenApiDocument } from "@/components/docs/openapi-schema";
import { registerV1Docs, services } from "@/server/pages";

export const metadata: Metadata = {
  title: "API reference",
  description: "Send events to PingPilot over HTTP: authentication, endpoints, errors, quotas and code examples.",
};

/** Built from the same routes the API serves, so the page and /api/v1/openapi.json never disagree. */
function openApiDocument(): OpenApiDocument {
  const app = new OpenAPIHono();
  registerV1Docs(app);
  return app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "PingPilot API", version: "1.0.0" } }) as unknown as OpenApiDocument;
}

export default function ApiDocsPage() {
  const apiBase = `${services().env.APP_URL.replace(/\/+$/, "")}/api/v1`;
  return <ApiReference doc={openApiDocument()} apiBase={apiBase} />;
}
