import { describe, expect, it } from "vitest";
import { query } from "../../test/db";
import { createMerchant, expectError } from "../../test/harness";

describe("idempotency", () => {
  it("replays the first response with Idempotent-Replayed, for any key order in the body", async () => {
    const m = await createMerchant();
    const headers = { "idempotency-key": `key-${crypto.randomUUID()}` };
    const first = await m.sandbox.request<{ id: string }>(
      "POST",
      "/customers",
      { email: "i@example.com", name: "I" },
      headers,
    );
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await m.sandbox.request<{ id: string }>(
      "POST",
      "/customers",
      { name: "I", email: "i@example.com" },
      headers,
    );
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.text).toBe(first.text);
    expect(again.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
  });

  it("refuses the same key with a different body, and keeps keys apart per environment and merchant", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const headers = { "idempotency-key": `key-${crypto.randomUUID()}` };
    await m.sandbox.request("POST", "/customers", { email: "a@example.com" }, headers);
    expectError(
      await m.sandbox.request("POST", "/customers", { email: "b@example.com" }, headers),
      409,
      "idempotency_key_reused",
    );
    const production = await m.production.request("POST", "/customers", { email: "b@example.com" }, headers);
    expect(production.status).toBe(200);
    expect(production.headers.get("idempotent-replayed")).toBeNull();
    const otherMerchant = await other.sandbox.request(
      "POST",
      "/customers",
      { email: "b@example.com" },
      headers,
    );
    expect(otherMerchant.headers.get("idempotent-replayed")).toBeNull();
  });

  it("does not keep validation failures, so a corrected retry with the same key goes through", async () => {
    const m = await createMerchant();
    const headers = { "idempotency-key": `key-${crypto.randomUUID()}` };
    expectError(
      await m.sandbox.request("POST", "/customers", { email: "bad" }, headers),
      400,
      "parameter_invalid",
    );
    expect(
      (await m.sandbox.request("POST", "/customers", { email: "good@example.com" }, headers)).status,
    ).toBe(200);
    expectError(
      await m.sandbox.request("POST", "/customers", {}, { "idempotency-key": "x".repeat(256) }),
      400,
      "idempotency_key_invalid",
    );
  });

  it("50 concurrent identical requests create exactly one object", async () => {
    const m = await createMerchant();
    const key = `key-${crypto.randomUUID()}`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        m.sandbox.request<{ id?: string }>(
          "POST",
          "/customers",
          { email: "race@example.com" },
          { "idempotency-key": key },
        ),
      ),
    );
    const succeeded = responses.filter((r) => r.status === 200);
    const inProgress = responses.filter((r) => r.status === 409);
    expect(succeeded.length + inProgress.length).toBe(50);
    for (const r of inProgress) expectError(r, 409, "idempotency_key_in_progress");
    expect(new Set(succeeded.map((r) => r.body.id)).size).toBe(1);
    const rows = await query("select id from customers where merchant_id = $1", [m.merchantId]);
    expect(rows).toHaveLength(1);
    const replay = await m.sandbox.request<{ id: string }>(
      "POST",
      "/customers",
      { email: "race@example.com" },
      { "idempotency-key": key },
    );
    expect(replay.body.id).toBe(succeeded[0]?.body.id);
  });
  it("a claim left by a Worker that died mid-request blocks retries instead of creating a second object", async () => {
    const m = await createMerchant();
    const key = `key-${crypto.randomUUID()}`;
    const first = await m.sandbox.request(
      "POST",
      "/customers",
      { email: "crash@example.com" },
      { "idempotency-key": key },
    );
    expect(first.status).toBe(200);
    // As if the Worker committed the customer but died before storing the response.
    await query(
      "update idempotency_keys set status = 'in_progress', status_code = 0, response_body = '' where key = $1",
      [key],
    );
    const retry = await m.sandbox.request(
      "POST",
      "/customers",
      { email: "crash@example.com" },
      { "idempotency-key": key },
    );
    expectError(retry, 409, "idempotency_key_in_progress");
    expect(await query("select id from customers where merchant_id = $1", [m.merchantId])).toHaveLength(1);
  });

  it("drops the claim of a request that failed validation, and keeps nothing for it", async () => {
    const m = await createMerchant();
    const key = `key-${crypto.randomUUID()}`;
    expectError(
      await m.sandbox.request("POST", "/customers", { email: 1 }, { "idempotency-key": key }),
      400,
      "parameter_invalid",
    );
    expect(await query("select 1 from idempotency_keys where key = $1", [key])).toHaveLength(0);
  });

  it("another merchant, or the other environment, using the same key and body neither sees nor overwrites the first response", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const headers = { "idempotency-key": `key-${crypto.randomUUID()}` };
    const body = { email: "same@example.com", name: "Same" };
    const first = await m.sandbox.request<{ id: string }>("POST", "/customers", body, headers);
    expect(first.status).toBe(200);
    for (const [client, owner] of [
      [other.sandbox, other],
      [m.production, m],
    ] as const) {
      const theirs = await client.request<{ id: string }>("POST", "/customers", body, headers);
      expect(theirs.status).toBe(200);
      expect(theirs.headers.get("idempotent-replayed")).toBeNull();
      expect(theirs.body.id).not.toBe(first.body.id);
      expect(theirs.text).not.toBe(first.text);
      // Their own replay returns their own object, which they can read back.
      const replay = await client.request<{ id: string }>("POST", "/customers", body, headers);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.body.id).toBe(theirs.body.id);
      expect((await client.request("GET", `/customers/${theirs.body.id}`)).status).toBe(200);
      expect(owner.merchantId).toBeTruthy();
    }
    // The first merchant's stored response is untouched.
    const mine = await m.sandbox.request<{ id: string }>("POST", "/customers", body, headers);
    expect(mine.headers.get("idempotent-replayed")).toBe("true");
    expect(mine.text).toBe(first.text);
    const rows = await query<{ merchant_id: string; environment: string }>(
      "select merchant_id, environment from idempotency_keys where key = $1 order by merchant_id, environment",
      [headers["idempotency-key"]],
    );
    expect(rows).toHaveLength(3);
  });

  it("the request path is part of the fingerprint: the same key and body on another path is refused", async () => {
    const m = await createMerchant();
    const headers = { "idempotency-key": `key-${crypto.randomUUID()}` };
    const body = { email: "path@example.com" };
    expect((await m.sandbox.request("POST", "/customers", body, headers)).status).toBe(200);
    for (const path of ["/payment-methods", "/webhooks/endpoints", "/customers/cus_other"]) {
      const elsewhere = await m.sandbox.request("POST", path, body, headers);
      expectError(elsewhere, 409, "idempotency_key_reused");
      expect(elsewhere.headers.get("idempotent-replayed")).toBeNull();
    }
  });
});
