import { describe, expect, it } from "vitest";
import { client, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import type { StatusDocument } from "../../core/status";

async function declare(m: TestMerchant): Promise<string> {
  const created = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount: 12_345,
    currency: "EUR",
    method: "sepa",
  });
  return created.body.id;
}

/** A key of its own with a small per-second limit, so the buckets can be exhausted quickly. */
async function limitedClient(m: TestMerchant, perSecond: number) {
  const key = await m.dashboard.request<{ key_id: string; secret: string }>("POST", "/api-keys", {
    environment: "sandbox",
    name: "limited",
    rate_limit_per_second: perSecond,
  });
  return client({ "x-api-key": key.body.key_id, "x-api-secret": key.body.secret });
}

describe("transaction status", () => {
  it("serves a small document from the cache, and drops it when the object changes", async () => {
    const m = await createMerchant();
    const id = await declare(m);
    const first = await m.sandbox.request<StatusDocument>("GET", `/status/${id}`);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(first.body).toEqual({
      id,
      object: "funding_deposit",
      status: "pending",
      amount: 12_345,
      currency: "EUR",
      updated_at: expect.any(String),
      timeline: [{ status: "pending", at: expect.any(String) }],
    });
    const second = await m.sandbox.request<StatusDocument>("GET", `/status/${id}`);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.body).toEqual(first.body);

    await m.sandbox.request("POST", `/sandbox/funding/deposits/${id}/receive`, { amount: 12_000 });
    const after = await m.sandbox.request<StatusDocument>("GET", `/status/${id}`);
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(after.body).toMatchObject({ status: "credited", amount: 12_000 });
    expect(after.body.timeline.map((step) => step.status)).toEqual(["pending", "received", "credited"]);
    expect(new Date(after.body.updated_at).getTime()).toBeGreaterThanOrEqual(
      new Date(first.body.updated_at).getTime(),
    );
  });

  it("resolves ledger transactions by their id too", async () => {
    const m = await createMerchant();
    const id = await declare(m);
    const received = await m.sandbox.request<{ transaction: string }>(
      "POST",
      `/sandbox/funding/deposits/${id}/receive`,
    );
    const status = await m.sandbox.request<StatusDocument>("GET", `/status/${received.body.transaction}`);
    expect(status.body).toMatchObject({
      id: received.body.transaction,
      object: "transaction",
      status: "posted",
      amount: 12_345,
      currency: "EUR",
    });
  });

  it("answers 404 for unknown ids, for other types on typed routes, and for routes that don't exist", async () => {
    const m = await createMerchant();
    const id = await declare(m);
    expectError(await m.sandbox.request("GET", "/status/fdep_doesnotexist"), 404, "resource_missing");
    expectError(await m.sandbox.request("GET", "/status/cus_123"), 404, "resource_missing");
    expectError(await m.sandbox.request("GET", "/status/nounderscore"), 404, "resource_missing");
    expectError(await m.sandbox.request("GET", `/status/payments/${id}`), 404, "resource_missing");
    expectError(await m.sandbox.request("GET", "/status/payouts/po_123"), 404, "resource_missing");
    expectError(await m.sandbox.request("GET", "/status/settlements/st_123"), 404, "route_not_found");
  });

  it("never serves another merchant's or environment's document, cached or not", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const id = await declare(m);
    expect((await m.sandbox.request("GET", `/status/${id}`)).status).toBe(200);
    expect((await m.sandbox.request("GET", `/status/${id}`)).headers.get("x-cache")).toBe("HIT");
    expectError(await other.sandbox.request("GET", `/status/${id}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/status/${id}`), 404, "resource_missing");
  });

  it("rate limits polling in its own bucket: exhausting it leaves writes alone, and the other way round", async () => {
    const m = await createMerchant();
    const id = await declare(m);
    // The test stack's windows have no edge to straddle (test/stack.ts), so each split is exact.
    const poller = await limitedClient(m, 3);
    const [write, ...polls] = await Promise.all([
      poller.request("POST", "/funding/deposits", { amount: 1, currency: "EUR", method: "sepa" }),
      ...Array.from({ length: 6 }, () => poller.request("GET", `/status/${id}`)),
    ]);
    expect(polls.filter((poll) => poll.status === 200).length).toBe(3);
    expect(polls.filter((poll) => poll.status === 429).length).toBe(3);
    const throttled = polls.find((poll) => poll.status === 429);
    if (!throttled) throw new Error("no poll was throttled");
    expectError(throttled, 429, "rate_limited");
    expect(write?.status).toBe(200);

    const writer = await limitedClient(m, 3);
    const [poll, ...calls] = await Promise.all([
      writer.request("GET", `/status/${id}`),
      ...Array.from({ length: 6 }, () => writer.request("GET", "/funding/deposits")),
    ]);
    expect(calls.filter((call) => call.status === 200).length).toBe(3);
    expect(calls.filter((call) => call.status === 429).length).toBe(3);
    const refused = calls.find((call) => call.status === 429);
    if (!refused) throw new Error("no call was throttled");
    expectError(refused, 429, "rate_limited");
    expect(poll?.status).toBe(200);
    expect(poll?.headers.get("ratelimit-limit")).toBe("3");
  });
});
