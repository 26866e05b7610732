import { routes } from "@/server/http/routes/v1/v1.docs";
import type { TestApp } from "./test-app";

/** `/events/{id}` → a matcher for `/events/0193…`. */
const matcherOf = (template: string) => new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
const ALIASES: Record<string, string> = { "/event": "/events" };

/**
 * Throws unless the public API documented this answer: the operation exists, the status is
 * listed for it, and a JSON body parses with the very schema the document was generated from.
 */
export async function assertDocumented(method: string, url: string, res: Response) {
  const raw = new URL(url, "http://x").pathname.replace(/^\/api\/v1/, "");
  if (raw === "/openapi.json") return;
  const path = ALIASES[raw] ?? raw;
  const route = routes.find((r) => r.method === method.toLowerCase() && matcherOf(r.path).test(path));
  if (!route) throw new Error(`${method} ${raw} is not in the OpenAPI document (answered ${res.status})`);
  const documented = (route.responses as Record<string, { content?: Record<string, { schema: { safeParse(v: unknown): { success: boolean; error?: unknown } } }> }>)[String(res.status)];
  if (!documented) throw new Error(`${method} ${route.path} answered ${res.status}, which the OpenAPI document does not list`);
  const schema = documented.content?.["application/json"]?.schema;
  if (!schema) return;
  const body = await res.clone().json();
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${method} ${route.path} ${res.status}: the body does not match its documented schema: ${JSON.stringify(parsed.error)}\n${JSON.stringify(body).slice(0, 500)}`);
}

/** Every call through `t.api` is checked against the document. */
export function checkingConformance(t: TestApp): TestApp {
  const api = t.api;
  t.api = async (path, key, init = {}) => {
    const res = await api(path, key, init);
    const method = init.method ?? (init.json === undefined && init.body === undefined ? "GET" : "POST");
    await assertDocumented(method, path, res);
    return res;
  };
  return t;
}
