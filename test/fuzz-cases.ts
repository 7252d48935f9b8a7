import { randomBytes } from "node:crypto";

/**
 * The fuzz test's cases, built from the served OpenAPI document: bad values for every string
 * parameter, every top-level body field and every leaf of the body at any depth (bounded), each
 * among otherwise valid fields. Values carry a marker that must never reach the Worker's log.
 */

export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  example?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface RequestBody {
  $ref?: string;
  content?: Record<string, { schema?: Schema }>;
}
export interface Operation {
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  requestBody?: RequestBody;
}
export interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; requestBodies?: Record<string, RequestBody> };
}

export interface Case {
  label: string;
  method: string;
  path: string;
  body?: unknown;
}

export const marker = `fz${randomBytes(6).toString("hex")}`;
const strings = [
  `${marker}\u0000`,
  `${marker}\uD800`,
  `\uDFFF${marker}`,
  `${marker}${"x".repeat(100 * 1024)}`,
];
const numbers = [2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e300, -(2 ** 53)];
/** The body walk's depth (payment_method_data.card.number is 3, line_items[0].price_data.unit_amount 4). */
const maxDepth = 4;

function resolve(doc: Document, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(doc, doc.components.schemas[schema.$ref.split("/").pop() ?? ""]);
  const merged = schema.allOf?.map((part) => resolve(doc, part));
  if (merged) return { ...schema, properties: Object.assign({}, ...merged.map((part) => part.properties)) };
  return schema;
}

function bodySchema(doc: Document, body: RequestBody | undefined): Schema | undefined {
  const resolved = body?.$ref ? doc.components.requestBodies?.[body.$ref.split("/").pop() ?? ""] : body;
  return resolved?.content?.["application/json"]?.schema;
}

/** Real objects' ids by the field that refers to one (`customer`, `price`): a sample's references exist. */
export type References = Record<string, string>;

/**
 * A body the schema accepts as far as a generator can tell (required fields only, examples
 * first, real objects for references), so that one mutated field is checked where it stands among
 * valid ones rather than after a "missing parameter" or "no such customer" refusal.
 */
function validSample(
  doc: Document,
  schema: Schema | undefined,
  references: References,
  name = "",
  depth = 0,
): unknown {
  const resolved = resolve(doc, schema);
  const reference = references[name];
  if (reference && typesOf(doc, resolved).includes("string")) return reference;
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.enum?.length) return resolved.enum[0];
  const alternative = (resolved.oneOf ?? resolved.anyOf)?.[0];
  if (alternative) return validSample(doc, alternative, references, name, depth + 1);
  const [type] = typesOf(doc, resolved).filter((candidate) => candidate !== "null");
  if (type === "object" || resolved.properties) {
    if (depth > 4) return {};
    const required = new Set(resolved.required ?? []);
    return Object.fromEntries(
      Object.entries(resolved.properties ?? {})
        .filter(([name]) => required.has(name))
        .map(([field, property]) => [field, validSample(doc, property, references, field, depth + 1)]),
    );
  }
  if (type === "array")
    return resolved.items ? [validSample(doc, resolved.items, references, name, depth + 1)] : [];
  if (type === "integer" || type === "number")
    return Math.min(Math.max(resolved.minimum ?? 100, 100), resolved.maximum ?? Number.POSITIVE_INFINITY);
  if (type === "boolean") return true;
  if (resolved.format === "email") return "fuzz@example.com";
  if (resolved.format === "uri" || resolved.format === "url") return "https://example.com/fuzz";
  if (resolved.format === "date-time") return new Date().toISOString();
  if (resolved.pattern?.includes("A-Z]{3}")) return "USD";
  if (resolved.pattern?.includes("A-Z]{2}")) return "US";
  if (resolved.pattern?.includes("{4}")) return "5942";
  return "fuzz";
}

function typesOf(doc: Document, schema: Schema | undefined): string[] {
  const resolved = resolve(doc, schema);
  const alternatives = resolved.anyOf ?? resolved.oneOf;
  if (alternatives) return alternatives.flatMap((alt) => typesOf(doc, alt));
  if (resolved.type === undefined) return ["string"];
  return Array.isArray(resolved.type) ? resolved.type : [resolved.type];
}

function badValues(numeric: boolean): unknown[] {
  return numeric ? [...strings, ...numbers] : strings;
}

/** A string or number somewhere in a body, and the whole value at its level with the bad value put there. */
interface Leaf {
  at: string;
  numeric: boolean;
  put: (value: unknown) => unknown;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * Every leaf under `schema`, down to `maxDepth`: object properties, arrays' first item, and each
 * alternative of a union (one shape per payment method type) among that alternative's own fields.
 */
function leaves(doc: Document, schema: Schema | undefined, references: References, depth: number): Leaf[] {
  const resolved = resolve(doc, schema);
  const alternatives = resolved.oneOf ?? resolved.anyOf;
  if (alternatives) return alternatives.flatMap((alternative) => leaves(doc, alternative, references, depth));
  const types = typesOf(doc, resolved);
  if (resolved.properties || types.includes("object")) {
    if (depth >= maxDepth) return [];
    const base = asObject(validSample(doc, resolved, references));
    return Object.entries(resolved.properties ?? {}).flatMap(([name, property]) =>
      leaves(doc, property, references, depth + 1).map((leaf) => ({
        at: leaf.at.startsWith("[") || leaf.at === "" ? `${name}${leaf.at}` : `${name}.${leaf.at}`,
        numeric: leaf.numeric,
        put: (value: unknown) => ({ ...base, [name]: leaf.put(value) }),
      })),
    );
  }
  if (types.includes("array")) {
    if (depth >= maxDepth || !resolved.items) return [];
    return leaves(doc, resolved.items, references, depth + 1).map((leaf) => ({
      at: leaf.at.startsWith("[") || leaf.at === "" ? `[0]${leaf.at}` : `[0].${leaf.at}`,
      numeric: leaf.numeric,
      put: (value: unknown) => [leaf.put(value)],
    }));
  }
  const numeric = types.some((type) => type === "integer" || type === "number");
  if (!numeric && !types.includes("string")) return [];
  return [{ at: "", numeric, put: (value) => value }];
}

/** The value of a path parameter: a real object's id, or one that does not exist. */
export type PathIds = (name: string) => string;

const fixedPathValues: Record<string, string> = { currency: "USD", network: "base" };

export const missingIds: PathIds = (name) => fixedPathValues[name] ?? "x_1";

function encodeForUrl(value: string): string {
  return (
    encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, "")) +
    (/[\uD800-\uDFFF]/.test(value) ? "%ED%A0%80" : "")
  );
}

function parameterCases(
  doc: Document,
  path: string,
  upper: string,
  operation: Operation,
  fillPath: (except?: string, value?: string) => string,
  pathParameters: boolean,
): Case[] {
  const out: Case[] = [];
  for (const p of operation.parameters ?? []) {
    if (p.in !== "query" && !(p.in === "path" && pathParameters)) continue;
    const numeric = typesOf(doc, p.schema).some((t) => t === "integer" || t === "number");
    for (const value of badValues(numeric)) {
      const encoded = encodeForUrl(String(value));
      const target = p.in === "path" ? fillPath(p.name, encoded) : `${fillPath()}?${p.name}=${encoded}`;
      out.push({ label: `${upper} ${path} ${p.in} ${p.name}`, method: upper, path: target });
    }
  }
  return out;
}

/** Every case for one operation; `ids` fills its path parameters. */
export function casesFor(
  doc: Document,
  path: string,
  method: string,
  operation: Operation,
  ids: PathIds,
  options: { pathParameters: boolean; references: References },
): Case[] {
  const upper = method.toUpperCase();
  const pathParams = (operation.parameters ?? []).filter((p) => p.in === "path");
  const fillPath = (except?: string, value?: string) => {
    let out = path;
    for (const p of pathParams)
      out = out.replace(`{${p.name}}`, p.name === except ? (value ?? "") : ids(p.name));
    return out;
  };
  const out = parameterCases(doc, path, upper, operation, fillPath, options.pathParameters);
  if (!operation.requestBody) return out;
  const schema = bodySchema(doc, operation.requestBody);
  const target = fillPath();
  for (const leaf of leaves(doc, schema, options.references, 0)) {
    for (const value of badValues(leaf.numeric)) {
      out.push({
        label: `${upper} ${path} body ${leaf.at}`,
        method: upper,
        path: target,
        body: leaf.put(value),
      });
    }
  }
  // Top-level fields alone (before any other check can refuse the body) and as keys.
  const body = resolve(doc, schema);
  const variants = (body.oneOf ?? body.anyOf ?? [body]).map((variant) => resolve(doc, variant));
  const fields = new Map(variants.flatMap((variant) => Object.entries(variant.properties ?? {})));
  for (const [field, property] of fields) {
    const numeric = typesOf(doc, property).some((t) => t === "integer" || t === "number");
    for (const value of badValues(numeric)) {
      out.push({
        label: `${upper} ${path} body ${field} alone`,
        method: upper,
        path: target,
        body: { [field]: value },
      });
      out.push({
        label: `${upper} ${path} body key`,
        method: upper,
        path: target,
        body: { [`${field}${String(value).slice(0, 20)}`]: 1 },
      });
    }
  }
  out.push({
    label: `${upper} ${path} metadata`,
    method: upper,
    path: target,
    body: { metadata: { [strings[0] ?? ""]: strings[1] } },
  });
  return out;
}
