import { createMagnetPay, MagnetPayConnectionError, MagnetPayError } from "@magnetpay/sdk";
import { describe, expect, it } from "vitest";
import { type Answer, apiError, fakeFetch, fakeSleep, json } from "./fake-api";

const customer = { id: "cus_1", object: "customer" };

function client(answers: Answer[], retry: { maxRetries?: number; maxDelayMs?: number } = {}) {
  const api = fakeFetch(answers);
  const clock = fakeSleep();
  const magnetpay = createMagnetPay({
    baseUrl: "https://api.test",
    credentials: { keyId: "mpk_test_x", secret: "mps_test_y" },
    fetch: api.fetch,
    retry: { sleep: clock.sleep, random: () => 0.5, ...retry },
  });
  return { magnetpay, requests: api.requests, waits: clock.waits };
}

describe("sdk retries", () => {
  it("waits out a 429's Retry-After, then resends with the same Idempotency-Key and body", async () => {
    const { magnetpay, requests, waits } = client([
      apiError(429, "rate_limit_error", "rate_limited", {}, { "retry-after": "3" }),
      json(200, customer),
    ]);
    expect(await magnetpay.customers.create({ email: "a@example.com" })).toEqual(customer);
    // Retry-After, plus jitter of up to initialDelayMs (random() = 0.5 here).
    expect(waits).toEqual([3000 + 0.5 * 500]);
    const [first, second] = requests;
    expect(requests).toHaveLength(2);
    expect(first?.headers.get("idempotency-key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.headers.get("idempotency-key")).toBe(first?.headers.get("idempotency-key"));
    expect(second?.body).toBe(first?.body);
    expect(JSON.parse(second?.body ?? "")).toEqual({ email: "a@example.com" });
  });

  it("gives every write its own Idempotency-Key: POST, PATCH and DELETE", async () => {
    const { magnetpay, requests } = client([json(200, customer), json(200, customer), json(200, customer)]);
    await magnetpay.customers.create({ email: "a@example.com" });
    await magnetpay.customers.update("cus_1", { name: "A" });
    await magnetpay.customers.delete("cus_1");
    const keys = requests.map((request) => request.headers.get("idempotency-key"));
    expect(keys.every((key) => key !== null && /^[0-9a-f-]{36}$/.test(key))).toBe(true);
    expect(new Set(keys).size).toBe(3);
    expect(requests.map((request) => request.method)).toEqual(["POST", "PATCH", "DELETE"]);
  });

  it("reads Retry-After as an HTTP date too", async () => {
    const later = new Date(Date.now() + 20_000).toUTCString();
    const { magnetpay, waits } = client([
      new Response("busy", { status: 503, headers: { "retry-after": later } }),
      json(200, customer),
    ]);
    await magnetpay.customers.retrieve("cus_1");
    expect(waits).toHaveLength(1);
    // An HTTP date has whole seconds: 19 to 20 s from now, plus the jitter.
    expect(waits[0]).toBeGreaterThan(18_000);
    expect(waits[0]).toBeLessThanOrEqual(20_000 + 500);
  });

  it("backs off exponentially with jitter on 503 and gives up after maxRetries with the last answer", async () => {
    const unavailable = () => apiError(503, "provider_error", "service_unavailable");
    const { magnetpay, requests, waits } = client([unavailable(), unavailable(), unavailable()]);
    const error = await magnetpay.payments.retrieve("pay_1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MagnetPayError);
    expect((error as MagnetPayError).code).toBe("service_unavailable");
    expect(requests).toHaveLength(3);
    // Equal jitter with random() = 0.5: 3/4 of 500 ms, then of 1 000 ms.
    expect(waits).toEqual([375, 750]);
  });

  it("retries a network error with the same Idempotency-Key, and throws a connection error when they persist", async () => {
    const { magnetpay, requests } = client([new TypeError("fetch failed"), json(200, customer)]);
    expect(await magnetpay.customers.create({ email: "n@example.com" })).toEqual(customer);
    expect(requests[1]?.headers.get("idempotency-key")).toBe(requests[0]?.headers.get("idempotency-key"));

    const down = client([new TypeError("a"), new TypeError("b"), new TypeError("c")]);
    const error = await down.magnetpay.customers
      .list()
      .firstPage()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MagnetPayConnectionError);
    expect(down.requests).toHaveLength(3);
  });

  it("does not retry a call the caller aborted, and lets the abort through", async () => {
    const controller = new AbortController();
    const { magnetpay, requests } = client([
      () => {
        controller.abort();
        throw new DOMException("aborted", "AbortError");
      },
      json(200, customer),
    ]);
    const error = await magnetpay.customers
      .retrieve("cus_1", { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(requests).toHaveLength(1);
  });

  it("retries a 409 idempotency_key_in_progress but no other 409", async () => {
    const { magnetpay, requests } = client([
      apiError(409, "idempotency_error", "idempotency_key_in_progress"),
      json(200, customer),
    ]);
    await magnetpay.customers.create({ email: "c@example.com" }, { idempotencyKey: "order-1" });
    expect(requests.map((request) => request.headers.get("idempotency-key"))).toEqual(["order-1", "order-1"]);

    const reused = client([apiError(409, "idempotency_error", "idempotency_key_reused")]);
    await expect(reused.magnetpay.customers.create({ email: "d@example.com" })).rejects.toMatchObject({
      code: "idempotency_key_reused",
    });
    expect(reused.requests).toHaveLength(1);
  });

  it("never retries a 4xx", async () => {
    for (const [status, type, code] of [
      [400, "invalid_request_error", "parameter_invalid"],
      [401, "authentication_error", "credentials_invalid"],
      [402, "payment_error", "card_declined"],
      [404, "invalid_request_error", "resource_missing"],
    ] as const) {
      const { magnetpay, requests, waits } = client([apiError(status, type, code)]);
      await expect(magnetpay.payments.retrieve("pay_1")).rejects.toMatchObject({ status, code });
      expect(requests).toHaveLength(1);
      expect(waits).toEqual([]);
    }
  });

  it("does not wait longer than maxDelayMs: a longer Retry-After is returned as the error", async () => {
    const { magnetpay, requests, waits } = client(
      [apiError(429, "rate_limit_error", "rate_limited", {}, { "retry-after": "120" }), json(200, customer)],
      { maxDelayMs: 10_000 },
    );
    await expect(magnetpay.customers.retrieve("cus_1")).rejects.toMatchObject({ status: 429 });
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("sends no Idempotency-Key on GET, and the credentials on every request", async () => {
    const { magnetpay, requests } = client([json(200, customer)]);
    await magnetpay.customers.retrieve("cus_1");
    expect(requests[0]?.headers.get("idempotency-key")).toBeNull();
    expect(requests[0]?.headers.get("x-api-key")).toBe("mpk_test_x");
    expect(requests[0]?.headers.get("x-api-secret")).toBe("mps_test_y");
    expect(requests[0]?.url.pathname).toBe("/api/v1/customers/cus_1");
  });

  it("sends HTTP Basic or a Bearer token with its environment", async () => {
    const basic = fakeFetch([json(200, customer)]);
    await createMagnetPay({
      credentials: { keyId: "mpk_test_x", secret: "mps_test_y", scheme: "basic" },
      fetch: basic.fetch,
    }).customers.retrieve("cus_1");
    expect(basic.requests[0]?.headers.get("authorization")).toBe(`Basic ${btoa("mpk_test_x:mps_test_y")}`);
    expect(basic.requests[0]?.headers.get("x-api-key")).toBeNull();
    expect(basic.requests[0]?.url.origin).toBe("https://magnetpay.org");

    const bearer = fakeFetch([json(200, customer)]);
    await createMagnetPay({
      credentials: { bearerToken: "mpt_token", environment: "production" },
      fetch: bearer.fetch,
    }).customers.retrieve("cus_1");
    expect(bearer.requests[0]?.headers.get("authorization")).toBe("Bearer mpt_token");
    expect(bearer.requests[0]?.headers.get("x-environment")).toBe("production");
  });
});
