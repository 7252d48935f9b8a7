import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { collectionEndpoints, objectEndpoints } from "./endpoints";
import { type ApiResponse, call, createMerchant, type TestMerchant } from "./harness";

/**
 * Real responses validated against the OpenAPI document the Worker serves, with Ajv (draft 2020-12,
 * the dialect of OpenAPI 3.1) and ajv-formats. Driven by the document: every operation gets an
 * error response (401 without credentials; 400 for the public ones), and every call the shared
 * fixtures make (test/endpoints.ts, plus the public routes) is matched to its operation, its status
 * must be declared there and its body must match that status's schema.
 */
interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

const DOC_ID = "https://magnetpay.test/openapi.json";
let document: Document;
let ajv: Ajv2020;
let merchant: TestMerchant;
const operations: Array<{ method: string; path: string; pattern: RegExp; operation: Operation }> = [];
const succeeded = new Set<string>();

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

function find(method: string, url: string) {
  const path = new URL(url, "http://x").pathname;
  return operations.find((entry) => entry.method === method.toLowerCase() && entry.pattern.test(path));
}

/** The response must be a declared status of its operation, with a body matching that status's schema. */
function check(method: string, url: string, response: ApiResponse): string[] {
  const entry = find(method, url);
  if (!entry) return [`${method} ${url}: no operation in the document`];
  const status = String(response.status);
  const declared = entry.operation.responses[status];
  if (!declared)
    return [
      `${entry.operation.operationId}: status ${status} is not declared (${response.text.slice(0, 200)})`,
    ];
  if (response.status < 300) succeeded.add(entry.operation.operationId);
  if (!declared.content?.["application/json"]) return [];
  const ref = `${DOC_ID}#/${pointer("paths", entry.path, entry.method, "responses", status, "content", "application/json", "schema")}`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  if (validate(response.body)) return [];
  return [
    `${entry.operation.operationId} ${status}: ${ajv.errorsText(validate.errors)} in ${response.text.slice(0, 300)}`,
  ];
}

beforeAll(async () => {
  // The FX fixtures need rates: run fx-refresh as the cron trigger does, whatever ran before this file.
  const refreshed = await call("GET", `/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  expect(refreshed.status).toBe(200);
  const served = await call<Document>("GET", "/api/v1/openapi.json");
  document = served.body;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOC_ID });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const source = path
        .split(/\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join("[^/]+");
      operations.push({ method, path, pattern: new RegExp(`^${source}$`), operation });
    }
  }
  merchant = await createMerchant();
}, 120_000);

describe("OpenAPI responses validate with Ajv", () => {
  it("every operation's error response: 401 without credentials, 400 on the public ones", async () => {
    const problems: string[] = [];
    for (const entry of operations) {
      const url = entry.path.replace(/\{[^}]+\}/g, "x_1");
      const isPublic = entry.operation.security?.length === 0;
      const response = isPublic
        ? entry.method === "get"
          ? await call("GET", `${url}?q=%00`)
          : await call(entry.method.toUpperCase(), url, { body: { unexpected_parameter: true } })
        : await call(entry.method.toUpperCase(), url, entry.method === "get" ? {} : { body: {} });
      expect(response.status, `${entry.operation.operationId}`).toBe(isPublic ? 400 : 401);
      problems.push(...check(entry.method, url, response));
    }
    expect(problems).toEqual([]);
  });

  it("success and error answers of the fixtures' calls match their declared schemas", async () => {
    const problems: string[] = [];
    const run = async (method: string, path: string, body?: unknown, dashboard = false) => {
      const who = dashboard || path.startsWith("/api-keys") ? merchant.dashboard : merchant.sandbox;
      const response = await who.request(method, path, body);
      problems.push(...check(method, `/api/v1${path}`, response));
      return response;
    };
    for (const endpoint of collectionEndpoints) await run(endpoint.method, endpoint.path, endpoint.body);
    for (const endpoint of objectEndpoints) {
      const id = await endpoint.create(merchant);
      await run(endpoint.method, endpoint.path(id), endpoint.bodyFor ? endpoint.bodyFor(id) : endpoint.body);
      await run("GET", endpoint.readBack ? endpoint.readBack(id) : endpoint.path(id));
    }
    for (const [method, path] of [
      ["GET", "/api/v1/health"],
      ["GET", "/api/v1/error-codes"],
    ] as const) {
      problems.push(...check(method, path, await call(method, path)));
    }
    const login = await call("POST", "/api/v1/auth/sessions", {
      body: { email: merchant.email, password: merchant.password },
    });
    problems.push(...check("POST", "/api/v1/auth/sessions", login));
    expect(problems).toEqual([]);
    const missing = operations.map((entry) => entry.operation.operationId).filter((id) => !succeeded.has(id));
    // Operations no fixture calls successfully yet; the list may only shrink.
    console.log(
      `operations with a validated success: ${succeeded.size}/${operations.length}; not yet: ${missing.join(", ")}`,
    );
    expect(succeeded.size).toBeGreaterThanOrEqual(60);
  }, 180_000);
});
