import { beforeAll, describe, expect, it } from "vitest";
import { collectionEndpoints, objectEndpoints } from "./endpoints";
import { client, createMerchant, expectError, type TestMerchant } from "./harness";

const anonymous = client({});
const malformed = [
  client({ "x-api-key": "mpk_test_short", "x-api-secret": "mps_test_short" }),
  client({ "x-api-key": "mpk_test_000000000000000000000000" }),
  client({ authorization: "Basic !!!not-base64!!!" }),
  client({ authorization: "Bearer not-a-token" }),
  client({ authorization: "Token abc" }),
];
const unknownKey = client({
  "x-api-key": `mpk_test_${"a".repeat(24)}`,
  "x-api-secret": `mps_test_${"b".repeat(40)}`,
});

describe("security: every endpoint refuses bad credentials without leaking", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  beforeAll(async () => {
    [merchant, other] = await Promise.all([createMerchant(), createMerchant()]);
  });

  for (const endpoint of [
    ...collectionEndpoints,
    ...objectEndpoints.map((e) => ({ ...e, path: e.path("cus_x") })),
  ]) {
    it(`${endpoint.name}: missing, malformed and unknown credentials are 401`, async () => {
      expectError(
        await anonymous.request(endpoint.method, endpoint.path, endpoint.body),
        401,
        "authentication_required",
      );
      for (const bad of malformed) {
        expectError(
          await bad.request(endpoint.method, endpoint.path, endpoint.body),
          401,
          "credentials_malformed",
        );
      }
      expectError(
        await unknownKey.request(endpoint.method, endpoint.path, endpoint.body),
        401,
        "credentials_invalid",
      );
      const wrongSecret = client({
        "x-api-key": merchant.sandboxKey.key_id,
        "x-api-secret": `mps_test_${"c".repeat(40)}`,
      });
      expectError(
        await wrongSecret.request(endpoint.method, endpoint.path, endpoint.body),
        401,
        "credentials_invalid",
      );
    });
  }

  for (const endpoint of objectEndpoints) {
    it(`${endpoint.name}: another merchant's or the other environment's key gets 404, never 403`, async () => {
      const id = await endpoint.create(merchant);
      const body = endpoint.bodyFor?.(id) ?? endpoint.body;
      const fromOther = await other.sandbox.request(endpoint.method, endpoint.path(id), body);
      expectError(fromOther, 404, "resource_missing");
      const fromProduction = await merchant.production.request(endpoint.method, endpoint.path(id), body);
      expectError(fromProduction, 404, "resource_missing");
      const productionSession = client({ ...merchant.dashboard.headers, "x-environment": "production" });
      expectError(
        await productionSession.request(endpoint.method, endpoint.path(id), body),
        404,
        "resource_missing",
      );
      expect(fromOther.text).not.toContain("sec@example.com");
      // The object itself is still there for its owner, unchanged by the refused requests.
      const ownerPath = endpoint.readBack?.(id) ?? endpoint.path(id);
      if (endpoint.method !== "GET" && !endpoint.readBack) {
        throw new Error(`${endpoint.name}: add readBack to test/endpoints.ts`);
      }
      const own = await merchant.sandbox.request<{ id?: string; object?: string }>("GET", ownerPath);
      expect(own.status).toBe(200);
      // A list would prove nothing about this object: such endpoints read back the object itself.
      expect(own.body.object, `${endpoint.name}: reads back a list; add readBack`).not.toBe("list");
      expect(own.body.id).toBe(id);
    });
  }

  it("a revoked key is refused at once, on every endpoint", async () => {
    const m = await createMerchant();
    expect((await m.sandbox.request("GET", "/customers")).status).toBe(200);
    const revoked = await m.dashboard.request("POST", `/api-keys/${m.sandboxKey.id}/revoke`);
    expect(revoked.status).toBe(200);
    for (const endpoint of collectionEndpoints) {
      expectError(
        await m.sandbox.request(endpoint.method, endpoint.path, endpoint.body),
        401,
        "api_key_revoked",
      );
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
