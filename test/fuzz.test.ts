import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { readWorkerLog } from "./card-data";
import { call, createMerchant, type TestMerchant } from "./harness";

/**
 * Every operation of the OpenAPI document, every string parameter (path and query) and every
 * top-level body field, with NUL, unpaired surrogates, 100 KB strings and numbers at and beyond
 * 2^53, alone and among otherwise valid fields: never a 5xx, and every 4xx has the error shape. Values carry a marker that must never
 * reach the Worker's log (finding 7: failed queries are logged without their parameters).
 */

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  example?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface RequestBody {
  $ref?: string;
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  requestBody?: RequestBody;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; requestBodies?: Record<string, RequestBody> };
}

const marker = `fz${randomBytes(6).toString("hex")}`;
const strings = [
  `${marker}\u0000`,
  `${marker}\uD800`,
  `\uDFFF${marker}`,
  `${marker}${"x".repeat(100 * 1024)}`,
];
const numbers = [2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e300, -(2 ** 53)];

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

/**
 * A body the schema accepts as far as a generator can tell (required fields only, examples
 * first), so that one mutated field is checked where it stands among valid ones rather than
 * after a "missing parameter" refusal.
 */
function validSample(doc: Document, schema: Schema | undefined, depth = 0): unknown {
  const resolved = resolve(doc, schema);
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.enum?.length) return resolved.enum[0];
  const alternative = (resolved.oneOf ?? resolved.anyOf)?.[0];
  if (alternative) return validSample(doc, alternative, depth + 1);
  const [type] = typesOf(doc, resolved).filter((candidate) => candidate !== "null");
  if (type === "object" || resolved.properties) {
    if (depth > 4) return {};
    const required = new Set(resolved.required ?? []);
    return Object.fromEntries(
      Object.entries(resolved.properties ?? {})
        .filter(([name]) => required.has(name))
        .map(([name, property]) => [name, validSample(doc, property, depth + 1)]),
    );
  }
  if (type === "array") return resolved.items ? [validSample(doc, resolved.items, depth + 1)] : [];
  if (type === "integer" || type === "number") return Math.max(resolved.minimum ?? 100, 100);
  if (type === "boolean") return true;
  if (resolved.format === "email") return "fuzz@example.com";
  if (resolved.format === "uri" || resolved.format === "url") return "https://example.com/fuzz";
  if (resolved.format === "date-time") return new Date().toISOString();
  if (resolved.pattern?.includes("A-Z]{3}")) return "USD";
  return "fuzz";
}

function typesOf(doc: Document, schema: Schema | undefined): string[] {
  const resolved = resolve(doc, schema);
  const alternatives = resolved.anyOf ?? resolved.oneOf;
  if (alternatives) return alternatives.flatMap((alt) => typesOf(doc, alt));
  if (resolved.type === undefined) return ["string"];
  return Array.isArray(resolved.type) ? resolved.type : [resolved.type];
}

interface Case {
  label: string;
  method: string;
  path: string;
  body?: unknown;
}

function casesFor(doc: Document, path: string, method: string, operation: Operation): Case[] {
  const params = operation.parameters ?? [];
  const pathParams = params.filter((p) => p.in === "path");
  const basePath = () => {
    let out = path;
    for (const p of pathParams) out = out.replace(`{${p.name}}`, p.name === "currency" ? "USD" : "x_1");
    return out;
  };
  const out: Case[] = [];
  const upper = method.toUpperCase();
  for (const p of params) {
    if (p.in !== "path" && p.in !== "query") continue;
    const types = typesOf(doc, p.schema);
    const values: string[] = [
      ...strings,
      ...(types.some((t) => t === "integer" || t === "number") ? numbers.map(String) : []),
    ];
    for (const value of values) {
      const encoded =
        encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, "")) +
        (/[\uD800-\uDFFF]/.test(value) ? "%ED%A0%80" : "");
      const target =
        p.in === "path"
          ? basePath()
              .replace(`/x_1`, `/${encoded}`)
              .replace("/USD", p.name === "currency" ? `/${encoded}` : "/USD")
          : `${basePath()}?${p.name}=${encoded}`;
      out.push({ label: `${upper} ${path} ${p.in} ${p.name}`, method: upper, path: target });
    }
  }
  // A body that is a union (oneOf/anyOf, e.g. one shape per payment method type) has its fields
  // in its alternatives: each alternative is fuzzed among its own valid fields.
  const body = resolve(doc, bodySchema(doc, operation.requestBody));
  for (const variant of (body.oneOf ?? body.anyOf ?? [body]).map((part) => resolve(doc, part))) {
    const sample = validSample(doc, variant);
    const base = typeof sample === "object" && sample !== null && !Array.isArray(sample) ? sample : {};
    for (const [field, schema] of Object.entries(variant.properties ?? {})) {
      const types = typesOf(doc, schema);
      const values: unknown[] = [
        ...strings,
        ...(types.some((t) => t === "integer" || t === "number") ? numbers : []),
      ];
      for (const value of values) {
        out.push({
          label: `${upper} ${path} body ${field}`,
          method: upper,
          path: basePath(),
          body: { [field]: value },
        });
        out.push({
          label: `${upper} ${path} body ${field} among valid fields`,
          method: upper,
          path: basePath(),
          body: { ...base, [field]: value },
        });
        out.push({
          label: `${upper} ${path} body key`,
          method: upper,
          path: basePath(),
          body: { [`${field}${String(value).slice(0, 20)}`]: 1 },
        });
      }
    }
  }
  if (operation.requestBody) {
    out.push({
      label: `${upper} ${path} nested`,
      method: upper,
      path: basePath(),
      body: { metadata: { [strings[0] ?? ""]: strings[1] } },
    });
  }
  return out;
}

describe("fuzz: every operation of the OpenAPI document", () => {
  let m: TestMerchant;
  let doc: Document;
  beforeAll(async () => {
    m = await createMerchant();
    doc = (await call<Document>("GET", "/api/v1/openapi.json")).body;
  });

  it("never answers 5xx, and every 4xx has the error shape", async () => {
    const cases: Case[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations))
        cases.push(...casesFor(doc, path, method, operation));
    }
    expect(cases.length).toBeGreaterThan(500);
    const failures: string[] = [];
    const headers = { ...m.sandbox.headers };
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next];
        next += 1;
        if (!c) break;
        const response = await call(c.method, c.path, { body: c.body, headers });
        const error = (response.body as { error?: Record<string, unknown> } | null)?.error;
        // A 100 KB URL is refused by the HTTP front end before the Worker runs (workerd: 431;
        // Cloudflare's edge: 414 beyond 16 KB), so it never gets the API's error shape.
        if (c.body === undefined && (response.status === 414 || response.status === 431)) continue;
        if (response.status >= 500)
          failures.push(`${c.label}: ${response.status} ${response.text.slice(0, 200)}`);
        else if (response.status >= 400) {
          const shaped =
            typeof error?.type === "string" &&
            typeof error.code === "string" &&
            typeof error.message === "string" &&
            typeof error.request_id === "string" &&
            String(error.request_id).startsWith("req_") &&
            typeof error.doc_url === "string";
          if (!shaped)
            failures.push(
              `${c.label}: ${response.status} without the error shape: ${response.text.slice(0, 200)}`,
            );
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(failures).toEqual([]);
    // No request value, NUL or not, made it into the Worker's log.
    const log = await readWorkerLog(inject("workerLogFile"));
    expect(log.includes(marker)).toBe(false);
  }, 600_000);
});
