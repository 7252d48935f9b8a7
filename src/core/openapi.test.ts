import { describe, expect, it } from "vitest";
import { openApiDocument } from "../app";
import { errorCodes, errorExtraFields } from "./errors";

/** The contract conventions of the OpenAPI document, checked on the document the app builds. */
const document = openApiDocument();
const methods = ["get", "post", "patch", "put", "delete"] as const;
const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  methods.flatMap((method) => {
    const operation = item[method];
    return operation ? [{ path, method, operation }] : [];
  }),
);
const label = ({ method, path }: { method: string; path: string }) => `${method.toUpperCase()} ${path}`;
const publicOperations = [
  "GET /api/v1/health",
  "GET /api/v1/error-codes",
  "POST /api/v1/auth/signup",
  "POST /api/v1/auth/signup/verify",
  "POST /api/v1/auth/sessions",
  // The cardholder's device: the one-time token is the credential.
  "POST /api/v1/issuing/card-details",
  "POST /api/v1/issuing/card-pin",
  // The hosted invoice view: the token in its URL is the credential.
  "GET /api/v1/hosted/invoices/{id}",
];
/** Merchant credentials (key pair, Basic, Bearer) put a route behind rate limits and idempotency; the operators' token does not. */
const merchantAuthenticated = (entry: (typeof operations)[number]) =>
  (entry.operation.security ?? []).some((scheme) => !("OperatorToken" in scheme));

describe("OpenAPI document: operations", () => {
  it("gives every operation a unique <area>.<verb> operationId", () => {
    const missing = operations.filter((entry) => !entry.operation.operationId).map(label);
    expect(missing).toEqual([]);
    const ids = operations.map((entry) => entry.operation.operationId ?? "");
    expect(ids.filter((id) => !/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("declares security on every operation: [] on the public ones, credentials on the rest", () => {
    expect(operations.filter((entry) => entry.operation.security === undefined).map(label)).toEqual([]);
    const open = operations.filter((entry) => entry.operation.security?.length === 0).map(label);
    expect(open.sort()).toEqual([...publicOperations].sort());
  });

  it("declares Idempotency-Key on every authenticated write, and only there", () => {
    for (const entry of operations) {
      const declared = (entry.operation.parameters ?? []).some(
        (parameter) => "$ref" in parameter && parameter.$ref === "#/components/parameters/IdempotencyKey",
      );
      const honoured = entry.method !== "get" && merchantAuthenticated(entry);
      expect(declared, label(entry)).toBe(honoured);
    }
  });

  it("declares X-Request-Id on every response, RateLimit-* when authenticated, Retry-After on 429/503", () => {
    for (const entry of operations) {
      const authenticated = merchantAuthenticated(entry);
      for (const [status, response] of Object.entries(entry.operation.responses ?? {})) {
        const headers = Object.keys(("headers" in response && response.headers) || {});
        expect(headers, `${label(entry)} ${status}`).toContain("X-Request-Id");
        if (authenticated && status !== "401") expect(headers).toContain("RateLimit-Remaining");
        if (status === "429" || status === "503") expect(headers).toContain("Retry-After");
        if (authenticated && entry.method !== "get" && status.startsWith("2")) {
          expect(headers, `${label(entry)} ${status}`).toContain("Idempotent-Replayed");
        }
      }
    }
  });
});

describe("OpenAPI document: errors", () => {
  it("the Error schema names every code and every extra field the server sends", () => {
    const schema = document.components?.schemas?.Error;
    const error = JSON.parse(JSON.stringify(schema)).properties.error as {
      properties: Record<string, { enum?: string[] }>;
    };
    expect(error.properties.code?.enum).toEqual(errorCodes);
    for (const fields of Object.values(errorExtraFields)) {
      for (const field of fields ?? []) expect(Object.keys(error.properties)).toContain(field);
    }
  });
});
