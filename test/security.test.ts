import { beforeAll, describe, expect, it } from "vitest";
import { collectionEndpoints, objectEndpoints } from "./endpoints";
import { call, client, createMerchant, expectError, type Headers_, type TestMerchant } from "./harness";

interface Parameter {
  name: string;
  in: string;
  schema?: { example?: string; enum?: string[] };
}
interface Operation {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<Parameter | { $ref: string }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters?: Record<string, Parameter> };
}

const document = (await call<OpenApiDocument>("GET", "/api/v1/openapi.json")).body;

const resolve = (parameter: Parameter | { $ref: string }): Parameter =>
  "$ref" in parameter
    ? (document.components.parameters?.[parameter.$ref.split("/").pop() ?? ""] as Parameter)
    : parameter;

/** The template with each path parameter filled from its schema's example or first allowed value. */
function dummyPath(template: string, operation: Operation): string {
  const pathParameters = (operation.parameters ?? []).map(resolve).filter((p) => p.in === "path");
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const schema = pathParameters.find((p) => p.name === name)?.schema;
    return schema?.example ?? schema?.enum?.[0] ?? `${name}_x`;
  });
}

const templatePattern = (template: string) =>
  new RegExp(
    `^${template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
      .join("[^/]+")}$`,
  );

/** Every operation that takes credentials, keyed "METHOD /api/v1/template". */
const authenticatedOperations = Object.entries(document.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([, operation]) => operation.security?.length !== 0)
    .map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${template}`,
      method: method.toUpperCase(),
      template,
      path: dummyPath(template, operation),
      body: method === "get" ? undefined : {},
      pattern: templatePattern(template),
      forOperators: operation.security?.some((scheme) => "OperatorToken" in scheme) ?? false,
    })),
);

const malformed: Headers_[] = [
  { "x-api-key": "mpk_test_short", "x-api-secret": "mps_test_short" },
  { "x-api-key": "mpk_test_000000000000000000000000" },
  { authorization: "Basic !!!not-base64!!!" },
  { authorization: "Bearer not-a-token" },
  { authorization: "Token abc" },
];
const unknownKey: Headers_ = {
  "x-api-key": `mpk_test_${"a".repeat(24)}`,
  "x-api-secret": `mps_test_${"b".repeat(40)}`,
};

/**
 * Operations with a path parameter that no objectEndpoints entry matches, each with why it has none.
 * The list may only shrink: every entry must still name an uncovered operation of the document.
 */
const notObjectEndpoints: Record<string, string> = {
  "POST /api/v1/operator/individual_verifications/{id}/review":
    "the platform operators' route: no merchant owns it, and merchant credentials never reach it",
  "POST /api/v1/operator/business_verifications/{id}/review":
    "the platform operators' route: no merchant owns it, and merchant credentials never reach it",
  "POST /api/v1/api-keys/{id}/roll":
    "dashboard session only; another merchant's session gets 404 in src/modules/auth/auth.test.ts",
  "POST /api/v1/api-keys/{id}/revoke":
    "dashboard session only; another merchant's session gets 404 in src/modules/auth/auth.test.ts",
  "GET /api/v1/fx/rates/{base}/{quote}": "a currency pair's platform-wide rate, not a tenant's object",
  "GET /api/v1/balances/{currency}":
    "{currency} names a currency, not an object: every merchant has its own balance in each",
  "GET /api/v1/balances/{currency}/history":
    "{currency} names a currency; test/tenancy-lists.test.ts shows each merchant only its own entries",
  "POST /api/v1/crypto/networks/{network}/confirmation_tiers":
    "{network} names a chain, not an object: the tiers set are the caller's own",
};
/** Authenticated operations without a path parameter that collectionEndpoints leaves out, with why. */
const notCollectionEndpoints: Record<string, string> = {
  "GET /api/v1/operator/review_queue":
    "the platform operators' route: merchant credentials never reach it (src/modules/verifications/review.test.ts)",
};

describe("security: every operation of the document refuses bad credentials without leaking", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  beforeAll(async () => {
    [merchant, other] = await Promise.all([createMerchant(), createMerchant()]);
  });

  for (const operation of authenticatedOperations.filter((o) => !o.forOperators)) {
    it(`${operation.key}: missing, malformed and unknown credentials are 401`, async () => {
      const send = (headers: Headers_) =>
        call(operation.method, operation.path, { headers, body: operation.body });
      expectError(await send({}), 401, "authentication_required");
      for (const bad of malformed) expectError(await send(bad), 401, "credentials_malformed");
      expectError(await send(unknownKey), 401, "credentials_invalid");
      const wrongSecret = {
        "x-api-key": merchant.sandboxKey.key_id,
        "x-api-secret": `mps_test_${"c".repeat(40)}`,
      };
      expectError(await send(wrongSecret), 401, "credentials_invalid");
    });
  }

  // Operator routes look at X-Operator-Token alone (src/core/auth/operator.ts): any merchant
  // credential, valid or not, is the same as none.
  for (const operation of authenticatedOperations.filter((o) => o.forOperators)) {
    it(`${operation.key}: merchant credentials are no credentials, a wrong operator token is 401`, async () => {
      const send = (headers: Headers_) =>
        call(operation.method, operation.path, { headers, body: operation.body });
      for (const headers of [
        {},
        ...malformed,
        unknownKey,
        merchant.sandbox.headers,
        merchant.dashboard.headers,
      ]) {
        expectError(await send(headers), 401, "authentication_required");
      }
      expectError(await send({ "x-operator-token": "not-the-operator-token" }), 401, "credentials_invalid");
    });
  }

  for (const endpoint of objectEndpoints) {
    // Simulations refuse production credentials before any lookup (src/core/sandbox.ts).
    const sandboxOnly = endpoint.path("x_id").startsWith("/sandbox/");
    const fromProductionExpected: [number, string] = sandboxOnly
      ? [403, "sandbox_only"]
      : [404, "resource_missing"];
    it(`${endpoint.name}: another merchant's key gets 404, never 403; the other environment's ${fromProductionExpected.join(" ")}`, async () => {
      const id = await endpoint.create(merchant);
      const productionSession = client({ ...merchant.dashboard.headers, "x-environment": "production" });
      const bodyOf = async (caller: typeof other.sandbox) =>
        endpoint.callerBody ? await endpoint.callerBody(caller) : (endpoint.bodyFor?.(id) ?? endpoint.body);
      const fromOther = await other.sandbox.request(
        endpoint.method,
        endpoint.path(id),
        await bodyOf(other.sandbox),
      );
      expectError(fromOther, 404, "resource_missing");
      for (const production of [merchant.production, productionSession]) {
        expectError(
          await production.request(endpoint.method, endpoint.path(id), await bodyOf(production)),
          ...fromProductionExpected,
        );
      }
      expect(fromOther.text).not.toContain("sec@example.com");
      // The object itself is still there for its owner, unchanged by the refused requests.
      const ownerPath = endpoint.readBack?.(id) ?? endpoint.path(id);
      if (endpoint.method !== "GET" && !endpoint.readBack) {
        throw new Error(`${endpoint.name}: add readBack to its entry in test/endpoints/`);
      }
      const own = await merchant.sandbox.request<{ id?: string; object?: string }>("GET", ownerPath);
      expect(own.status).toBe(200);
      // A list would prove nothing about this object: such endpoints read back the object itself.
      expect(own.body.object, `${endpoint.name}: reads back a list; add readBack`).not.toBe("list");
      expect(own.body.id).toBe(id);
    });
  }

  it("a revoked key is refused at once, on every operation", async () => {
    const m = await createMerchant();
    expect((await m.sandbox.request("GET", "/customers")).status).toBe(200);
    const revoked = await m.dashboard.request("POST", `/api-keys/${m.sandboxKey.id}/revoke`);
    expect(revoked.status).toBe(200);
    for (const operation of authenticatedOperations.filter((o) => !o.forOperators)) {
      const response = await call(operation.method, operation.path, {
        headers: m.sandbox.headers,
        body: operation.body,
      });
      expectError(response, 401, "api_key_revoked");
    }
  });

  it("API keys are managed only with a dashboard session", async () => {
    expectError(await merchant.sandbox.request("GET", "/api-keys"), 403, "session_required");
    expectError(
      await merchant.sandbox.request("POST", "/api-keys", { environment: "production", name: "escalate" }),
      403,
      "session_required",
    );
  });
});

describe("the endpoint lists cover every authenticated operation of the document", () => {
  const matches = (operation: (typeof authenticatedOperations)[number], method: string, path: string) =>
    operation.method === method && operation.pattern.test(new URL(`/api/v1${path}`, "http://x").pathname);
  const withObject = authenticatedOperations.filter((o) => o.template.includes("{"));
  const withoutObject = authenticatedOperations.filter((o) => !o.template.includes("{"));
  const uncoveredObjects = withObject
    .filter((o) => !objectEndpoints.some((e) => matches(o, e.method, e.path("x_id"))))
    .map((o) => o.key);
  const uncoveredCollections = withoutObject
    .filter((o) => !collectionEndpoints.some((e) => matches(o, e.method, e.path)))
    .map((o) => o.key);

  it("each operation with a path parameter has an objectEndpoints entry, or a reason in notObjectEndpoints", () => {
    expect(uncoveredObjects.filter((key) => !(key in notObjectEndpoints))).toEqual([]);
  });

  it("each operation without one has a collectionEndpoints entry, or a reason in notCollectionEndpoints", () => {
    expect(uncoveredCollections.filter((key) => !(key in notCollectionEndpoints))).toEqual([]);
  });

  it("every exclusion still names an operation of the document that no entry covers", () => {
    expect(Object.keys(notObjectEndpoints).filter((key) => !uncoveredObjects.includes(key))).toEqual([]);
    expect(Object.keys(notCollectionEndpoints).filter((key) => !uncoveredCollections.includes(key))).toEqual(
      [],
    );
  });
});
