/** The parts of an OpenAPI 3.1 document the /docs/api page reads, and helpers to describe its schemas. */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  description?: string;
  example?: unknown;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
};

export type OpenApiParameter = { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema };
export type OpenApiResponse = { description: string; headers?: Record<string, { description?: string; schema?: JsonSchema }>; content?: Record<string, { schema?: JsonSchema }> };
export type OpenApiOperation = {
  summary?: string;
  description?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, OpenApiResponse>;
};
export type OpenApiDocument = {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema>; securitySchemes?: Record<string, { description?: string }> };
};

export type Endpoint = { method: string; path: string; id: string; operation: OpenApiOperation };

const METHOD_ORDER = ["get", "post", "put", "patch", "delete"];

/** Every operation in the order the server registered them. */
export function endpointsOf(doc: OpenApiDocument): Endpoint[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => METHOD_ORDER.includes(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, id: `${method}-${path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")}`, operation })),
  );
}

export function resolve(doc: OpenApiDocument, schema: JsonSchema | undefined): JsonSchema | undefined {
  if (!schema?.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  return doc.components?.schemas?.[name];
}

/** "string", "integer", "string | null", "string[]", "object (string → string | number | boolean)". */
export function typeLabel(doc: OpenApiDocument, raw: JsonSchema | undefined): string {
  const schema = resolve(doc, raw);
  if (!schema) return "any";
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return [...new Set(variants.map((v) => typeLabel(doc, v)))].join(" | ");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return "any";
  return types
    .map((t) => {
      if (t === "array") return `${typeLabel(doc, schema.items)}[]`;
      if (t === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object") {
        return `object (key → ${typeLabel(doc, schema.additionalProperties)})`;
      }
      return t;
    })
    .join(" | ");
}

const n = (value: number) => value.toLocaleString("en-US");

/** The limits a schema declares, as a short sentence. */
export function constraintsOf(doc: OpenApiDocument, raw: JsonSchema | undefined): string[] {
  const schema = resolve(doc, raw);
  if (!schema) return [];
  const out: string[] = [];
  if (schema.minLength !== undefined && schema.maxLength !== undefined) out.push(`${n(schema.minLength)}–${n(schema.maxLength)} characters`);
  else if (schema.maxLength !== undefined) out.push(`at most ${n(schema.maxLength)} characters`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.maxItems !== undefined) out.push(`at most ${n(schema.maxItems)} items`);
  if (schema.items?.maxLength !== undefined) out.push(`each at most ${n(schema.items.maxLength)} characters`);
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  if (schema.format) out.push(`format ${schema.format}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

export type FieldRow = { name: string; type: string; required: boolean; description: string; constraints: string[]; example?: string };

/** One row per property of an object schema, for the fields tables. */
export function fieldRows(doc: OpenApiDocument, raw: JsonSchema | undefined, fallbackDescriptions: Record<string, string> = {}): FieldRow[] {
  const schema = resolve(doc, raw);
  if (!schema?.properties) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, prop]) => {
    const resolved = resolve(doc, prop) ?? {};
    return {
      name,
      type: typeLabel(doc, prop),
      required: required.has(name),
      description: resolved.description ?? fallbackDescriptions[name] ?? "",
      constraints: constraintsOf(doc, prop),
      example: resolved.example === undefined ? undefined : JSON.stringify(resolved.example),
    };
  });
}

/** A JSON value shaped like the schema, from its examples where given. */
export function sampleOf(doc: OpenApiDocument, raw: JsonSchema | undefined, depth = 0): unknown {
  const schema = resolve(doc, raw);
  if (!schema || depth > 8) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) return sampleOf(doc, variants[0], depth + 1);
  // An extended schema (allOf of its base and the added properties): the parts' samples merged.
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((part) => sampleOf(doc, part, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      if (schema.properties) return Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, sampleOf(doc, v, depth + 1)]));
      return {};
    case "array":
      return [sampleOf(doc, schema.items, depth + 1)];
    case "string":
      return "string";
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return true;
    default:
      return null;
  }
}
