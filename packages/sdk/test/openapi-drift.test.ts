import { beforeAll, describe, expect, inject, it } from "vitest";
import type {
  AcceptedEvent,
  ApiErrorBody,
  BatchAccepted,
  BatchRefused,
  BatchResult,
  Category,
  CategoryList,
  CreateCategoryInput,
  Delivery,
  EventInput,
  EventPage,
  ListEventsQuery,
  Quota,
  StoredEvent,
  TrackInput,
} from "../src/index";

/**
 * The SDK's hand-written types (src/types.ts) against the OpenAPI document a running PingPilot
 * serves. Each `Spec<T>` below lists every key of an SDK type, true when the type requires it:
 * TypeScript (npm run check) refuses a spec that misses a key, adds one, or gets a flag wrong,
 * and this test refuses a spec whose keys or flags differ from the document's schema. Together:
 * the SDK's field names cannot drift from the API's.
 */

/** Every key of T (none missing, none extra), each true when T requires it and false when it is optional. */
type Spec<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? false : true };

const spec = {
  createEvent: { category: true, description: false, fields: false, tags: false, timestamp: false, notify: false } satisfies Spec<EventInput>,
  batchEvent: { category: true, description: false, fields: false, tags: false, timestamp: false, notify: false, idempotencyKey: false } satisfies Spec<TrackInput>,
  batchBody: { events: true } satisfies Spec<{ events: TrackInput[] }>,
  accepted: { id: true, category: true, createdAt: true, deliveries: true, warning: false } satisfies Spec<AcceptedEvent>,
  delivery: { channel: true, status: true } satisfies Spec<Delivery>,
  batchResult: { results: true } satisfies Spec<BatchResult>,
  batchAccepted: { id: true, category: true, createdAt: true, deliveries: true, warning: false, status: true, replayed: false } satisfies Spec<BatchAccepted>,
  batchRefused: { error: true, status: true } satisfies Spec<BatchRefused>,
  errorBody: { error: true } satisfies Spec<ApiErrorBody>,
  error: { code: true, message: true, details: false } satisfies Spec<ApiErrorBody["error"]>,
  category: { id: true, name: true, color: true, emoji: true, createdAt: true } satisfies Spec<Category>,
  categoryList: { data: true } satisfies Spec<CategoryList>,
  createCategory: { name: true, color: false, emoji: false } satisfies Spec<CreateCategoryInput>,
  quota: { plan: true, period: true, limit: true, used: true, remaining: true, resetsAt: true, categories: true } satisfies Spec<Quota>,
  quotaCategories: { used: true, limit: true } satisfies Spec<Quota["categories"]>,
  eventPage: { data: true, nextCursor: true } satisfies Spec<EventPage>,
  storedEvent: { id: true, category: true, description: true, fields: true, tags: true, status: true, notify: true, occurredAt: true, createdAt: true } satisfies Spec<StoredEvent>,
  listEventsQuery: { category: false, from: false, to: false, cursor: false, limit: false } satisfies Spec<ListEventsQuery>,
};

type Schema = { $ref?: string; allOf?: Schema[]; anyOf?: Schema[]; oneOf?: Schema[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema };
type Operation = {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

beforeAll(async () => {
  const res = await fetch(`${inject("sdk").url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  const found = doc.components.schemas[name];
  if (!found) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(found);
}

/** An object schema as { key → required }, with allOf merged. */
function shape(input: Schema): Record<string, boolean> {
  const schema = resolve(input);
  const out: Record<string, boolean> = {};
  for (const part of schema.allOf ?? []) Object.assign(out, shape(part));
  for (const key of Object.keys(schema.properties ?? {})) out[key] = (schema.required ?? []).includes(key);
  for (const key of schema.required ?? []) if (key in out) out[key] = true;
  return out;
}

/** The (allOf-merged) property schema `key` of an object schema. */
function property(input: Schema, key: string): Schema {
  const schema = resolve(input);
  const found = schema.properties?.[key] ?? (schema.allOf ?? []).map((part) => resolve(part).properties?.[key]).find(Boolean);
  if (!found) throw new Error(`no property ${key}`);
  return found;
}

const sorted = (o: Record<string, boolean>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const same = (documented: Record<string, boolean>, sdk: Record<string, boolean>) => expect(sorted(sdk)).toEqual(sorted(documented));

function operation(method: string, path: string): Operation {
  const op = doc.paths[path]?.[method];
  if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  return op;
}
const requestSchema = (method: string, path: string) => operation(method, path).requestBody!.content["application/json"]!.schema;
const responseSchema = (method: string, path: string, status: number) => {
  const schema = operation(method, path).responses[String(status)]?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`${method.toUpperCase()} ${path} documents no JSON ${status}`);
  return schema;
};

describe("the SDK's types follow the OpenAPI document of a running PingPilot", () => {
  it("POST /events: the body, the Idempotency-Key header, the 202 and the error envelope", () => {
    same(shape(requestSchema("post", "/events")), spec.createEvent);
    expect(operation("post", "/events").parameters?.find((p) => p.in === "header")?.name).toBe("Idempotency-Key");
    const accepted = responseSchema("post", "/events", 202);
    same(shape(accepted), spec.accepted);
    same(shape(property(accepted, "deliveries").items!), spec.delivery);
    for (const status of [401, 404, 422, 429]) {
      const error = responseSchema("post", "/events", status);
      same(shape(error), spec.errorBody);
      same(shape(property(error, "error")), spec.error);
    }
  });

  it("POST /events/batch: the body, each event, and both kinds of result", () => {
    const body = requestSchema("post", "/events/batch");
    same(shape(body), spec.batchBody);
    same(shape(property(body, "events").items!), spec.batchEvent);
    const result = responseSchema("post", "/events/batch", 200);
    same(shape(result), spec.batchResult);
    const variants = property(result, "results").items!.anyOf ?? property(result, "results").items!.oneOf!;
    expect(variants).toHaveLength(2);
    const accepted = variants.find((v) => "id" in shape(v));
    const refused = variants.find((v) => !("id" in shape(v)));
    same(shape(accepted!), spec.batchAccepted);
    same(shape(refused!), spec.batchRefused);
    same(shape(property(refused!, "error")), spec.error);
  });

  it("categories: GET and POST /categories", () => {
    const list = responseSchema("get", "/categories", 200);
    same(shape(list), spec.categoryList);
    same(shape(property(list, "data").items!), spec.category);
    same(shape(requestSchema("post", "/categories")), spec.createCategory);
    same(shape(responseSchema("post", "/categories", 201)), spec.category);
  });

  it("GET /quota", () => {
    const quota = responseSchema("get", "/quota", 200);
    same(shape(quota), spec.quota);
    same(shape(property(quota, "categories")), spec.quotaCategories);
  });

  it("GET /events: its query and its page", () => {
    const query = Object.fromEntries((operation("get", "/events").parameters ?? []).filter((p) => p.in === "query").map((p) => [p.name, p.required ?? false]));
    same(query, spec.listEventsQuery);
    const page = responseSchema("get", "/events", 200);
    same(shape(page), spec.eventPage);
    same(shape(property(page, "data").items!), spec.storedEvent);
  });

  it("the comparison itself notices a difference", () => {
    expect(() => same(shape(requestSchema("post", "/events")), { ...spec.createEvent, colour: false })).toThrow();
    expect(() => same(shape(requestSchema("post", "/events")), { ...spec.createEvent, category: false })).toThrow();
  });
});
