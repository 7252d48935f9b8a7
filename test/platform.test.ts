import openApiParser from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { baseUrl, call, expectError } from "./harness";

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { security?: unknown[]; responses: Record<string, unknown>; requestBody?: unknown }>
  >;
  components: { securitySchemes: Record<string, unknown> };
}

describe("platform", () => {
  it("health reports version, database and Redis with latency, without credentials", async () => {
    const health = await call<{
      status: string;
      version: string;
      dependencies: Record<string, { status: string; latency_ms: number }>;
    }>("GET", "/api/v1/health");
    expect(health.status).toBe(200);
    expect(health.body.status).toBe("ok");
    expect(health.body.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(health.body.dependencies.database?.status).toBe("ok");
    expect(health.body.dependencies.redis?.status).toBe("ok");
    expect(health.body.dependencies.database?.latency_ms).toBeGreaterThanOrEqual(0);
    expect(health.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("serves the error code catalog", async () => {
    const codes = await call<{ data: Array<{ code: string; type: string; status: number }> }>(
      "GET",
      "/api/v1/error-codes",
    );
    expect(codes.status).toBe(200);
    const byCode = new Map(codes.body.data.map((entry) => [entry.code, entry]));
    expect(byCode.get("idempotency_key_reused")).toMatchObject({ type: "idempotency_error", status: 409 });
    expect(byCode.get("rate_limited")).toMatchObject({ type: "rate_limit_error", status: 429 });
    expect(byCode.get("internal_error")).toMatchObject({ type: "api_error", status: 500 });
  });

  it("publishes an OpenAPI 3.1 document listing every endpoint with its auth and errors", async () => {
    const doc = await call<OpenApiDocument>("GET", "/api/v1/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    // A third-party validator, so the document is valid by the spec and not just by our reading of it.
    await expect(openApiParser.validate(`${baseUrl()}/api/v1/openapi.json`)).resolves.toBeDefined();
    const paths = Object.keys(doc.body.paths);
    for (const path of [
      "/api/v1/customers",
      "/api/v1/customers/{id}",
      "/api/v1/health",
      "/api/v1/api-keys",
      "/api/v1/auth/signup",
    ]) {
      expect(paths).toContain(path);
    }
    expect(Object.keys(doc.body.components.securitySchemes).sort()).toEqual([
      "ApiKeyId",
      "ApiKeySecret",
      "BasicAuth",
      "BearerAuth",
      "OperatorToken",
    ]);
    const customers = doc.body.paths["/api/v1/customers"];
    expect(customers?.post?.security).toBeDefined();
    expect(Object.keys(customers?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "400", "401", "409", "429"]),
    );
  });

  it("serves the interactive reference at /docs, its scripts from the Worker's own assets", async () => {
    const base = (await import("./harness")).baseUrl();
    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-security-policy")).toContain("script-src 'self'");
    const page = await docs.text();
    expect(page).toContain('<script src="/docs/scalar-standalone.js"></script>');
    const init = await fetch(`${base}/docs/init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain("/api/v1/openapi.json");
  });

  it("answers unknown URLs with the error shape", async () => {
    const missing = await call("GET", "/nowhere");
    expectError(missing, 404, "route_not_found");
  });
});
