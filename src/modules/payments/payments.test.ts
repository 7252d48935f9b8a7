import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { type Client, createMerchant, expectError } from "../../../test/harness";
import { decideSandboxAction } from "../../../test/sandbox-actions";

type Payment = {
  id: string;
  status: string;
  amount: number;
  fee: number;
  net: number;
  provider: string | null;
  amount_received: number;
  amount_capturable: number;
  amount_refunded: number;
  decline_code: string | null;
  failure_code: string | null;
  next_action: { type: string; url?: string; reference?: string } | null;
  routing: {
    provider: string;
    reason: string;
    candidates: Array<{ provider: string; eligible: boolean; estimated_fee: number | null; reason: string }>;
    attempts: Array<{ provider: string; outcome: string; code: string | null }>;
  } | null;
  payment_method: string | null;
  payment_method_details: { card: { last4: string; brand: string; country: string | null } | null } | null;
};

const card = (number: string) => ({
  type: "card",
  card: { number, exp_month: 12, exp_year: 2040, cvc: "123" },
});

function pay(client: Client, number: string, extra: Record<string, unknown> = {}) {
  return client.request<Payment>("POST", "/payments", {
    amount: 10_000,
    currency: "USD",
    payment_method_data: card(number),
    confirm: true,
    ...extra,
  });
}

async function balances(merchantId: string, currency: string): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; balance: string }>(
    "select kind, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = $2",
    [merchantId, currency],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.balance)]));
}

describe("payments: cards", () => {
  it("the success card succeeds, shows the routing decision and fee, and posts to the ledger", async () => {
    const m = await createMerchant();
    const res = await pay(m.sandbox, "4242424242424242");
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p.id).toMatch(/^pay_/);
    expect(p.status).toBe("succeeded");
    expect(p.amount_received).toBe(10_000);
    expect(p.provider).toBe("sandbox_global");
    expect(p.fee).toBe(320);
    expect(p.net).toBe(9_680);
    expect(p.routing?.reason).toContain("cheapest");
    const europe = p.routing?.candidates.find((c) => c.provider === "sandbox_europe");
    expect(europe).toMatchObject({ eligible: false, reason: "does not support USD" });
    expect(p.payment_method_details?.card).toMatchObject({ last4: "4242", brand: "visa", country: "US" });
    expect(res.text).not.toContain("4242424242424242");
    expect(await balances(m.merchantId, "USD")).toMatchObject({
      merchant_pending: 9_680,
      fees: 320,
      "provider_clearing:sandbox_global": -10_000,
    });
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [p.id],
    );
    expect(events.map((e) => e.type)).toEqual(["payment.created", "payment.succeeded"]);

    const settled = await m.sandbox.request<Payment & { settled: boolean }>(
      "POST",
      `/sandbox/payments/${p.id}/settle`,
    );
    expect(settled.body.settled).toBe(true);
    expect(await balances(m.merchantId, "USD")).toMatchObject({
      merchant_pending: 0,
      merchant_available: 9_680,
    });
  });

  const declines: Array<[string, string, string]> = [
    ["4000000000000002", "card_declined", "generic_decline"],
    ["4000000000009995", "card_declined", "insufficient_funds"],
    ["4000000000000069", "card_declined", "expired_card"],
    ["4000000000000127", "card_declined", "incorrect_cvc"],
    ["4000000000000119", "processing_error", "processing_error"],
  ];
  for (const [number, code, declineCode] of declines) {
    it(`test card ${number} fails with 402 ${code} / ${declineCode} and a failed payment`, async () => {
      const m = await createMerchant();
      const res = await pay(m.sandbox, number);
      expectError(res, 402, code);
      const error = (
        res.body as unknown as { error: { decline_code: string; payment_id: string; type: string } }
      ).error;
      expect(error.type).toBe("payment_error");
      expect(error.decline_code).toBe(declineCode);
      const stored = await m.sandbox.request<Payment>("GET", `/payments/${error.payment_id}`);
      expect(stored.body.status).toBe("failed");
      expect(stored.body.decline_code ?? stored.body.failure_code).toBe(declineCode);
      expect(await balances(m.merchantId, "USD")).not.toHaveProperty("merchant_pending");
    });
  }

  it("falls back to the next provider on a retryable failure, visible in routing", async () => {
    const m = await createMerchant();
    const res = await pay(m.sandbox, "4000000000000341");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("succeeded");
    expect(res.body.routing?.attempts).toEqual([
      { provider: "sandbox_global", outcome: "failed", code: "processing_error" },
      { provider: "sandbox_apac", outcome: "succeeded", code: null },
    ]);
    expect(res.body.provider).toBe("sandbox_apac");
    expect(res.body.routing?.reason).toContain("fell back");
  });

  it("routes by issuing country: FR to the European processor, IN to APAC, GB to Europe", async () => {
    const m = await createMerchant();
    const fr = await pay(m.sandbox, "4000002500000003", { currency: "EUR" });
    expect(fr.body.provider).toBe("sandbox_europe");
    const india = await pay(m.sandbox, "4000003560000008", { currency: "INR", amount: 100_000 });
    expect(india.body.provider).toBe("sandbox_apac");
    const gb = await pay(m.sandbox, "4000008260000000", { currency: "GBP" });
    expect(gb.body.provider).toBe("sandbox_europe");
  });

  it("3-D Secure: requires_action, the sandbox page approves, then succeeded", async () => {
    const m = await createMerchant();
    const res = await pay(m.sandbox, "4000000000003220");
    expect(res.body.status).toBe("requires_action");
    expect(res.body.next_action?.type).toBe("three_d_secure");
    const url = res.body.next_action?.url ?? "";
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("3-D Secure");
    const approved = await decideSandboxAction(url, "approve");
    expect(approved.status).toBe(200);
    const token = new URL(url).searchParams.get("token") ?? "";
    const after = await m.sandbox.request<Payment>("GET", `/payments/${res.body.id}`);
    expect(after.body.status).toBe("succeeded");
    const bad = await fetch(url.replace(token, "wrong"));
    expect(bad.status).toBe(404);
  });

  it("3-D Secure declined on the page fails the payment", async () => {
    const m = await createMerchant();
    const res = await pay(m.sandbox, "4000000000003220", { return_url: "https://shop.example/return" });
    const declined = await decideSandboxAction(res.body.next_action?.url ?? "", "decline");
    expect(declined.status).toBe(303);
    expect(declined.headers.get("location")).toContain("status=failed");
    const after = await m.sandbox.request<Payment>("GET", `/payments/${res.body.id}`);
    expect(after.body).toMatchObject({ status: "failed", decline_code: "authentication_failed" });
  });

  it("manual capture: requires_capture, partial capture, then capture again is 409", async () => {
    const m = await createMerchant();
    const res = await pay(m.sandbox, "4242424242424242", { capture_method: "manual" });
    expect(res.body).toMatchObject({
      status: "requires_capture",
      amount_capturable: 10_000,
      amount_received: 0,
    });
    expectError(
      await m.sandbox.request("POST", `/payments/${res.body.id}/capture`, { amount_to_capture: 20_000 }),
      400,
      "capture_amount_invalid",
    );
    const captured = await m.sandbox.request<Payment>(
      "POST",
      `/payments/${res.body.id}/capture`,
      { amount_to_capture: 6_000 },
      { "idempotency-key": "cap-1" },
    );
    expect(captured.body).toMatchObject({
      status: "succeeded",
      amount_received: 6_000,
      amount_capturable: 0,
    });
    const replay = await m.sandbox.request<Payment>(
      "POST",
      `/payments/${res.body.id}/capture`,
      { amount_to_capture: 6_000 },
      { "idempotency-key": "cap-1" },
    );
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expectError(
      await m.sandbox.request("POST", `/payments/${res.body.id}/capture`),
      409,
      "payment_state_invalid",
    );
    const postings = await query("select 1 from ledger_transactions where source = $1", [
      `payment:${res.body.id}:captured`,
    ]);
    expect(postings).toHaveLength(1);
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [res.body.id],
    );
    expect(events.map((e) => e.type)).toEqual([
      "payment.created",
      "payment.requires_capture",
      "payment.captured",
    ]);
  });

  it("create without confirm, confirm later, cancel rules", async () => {
    const m = await createMerchant();
    const draft = await m.sandbox.request<Payment>("POST", "/payments", { amount: 500, currency: "USD" });
    expect(draft.body.status).toBe("requires_payment_method");
    expectError(
      await m.sandbox.request("POST", `/payments/${draft.body.id}/capture`),
      409,
      "payment_state_invalid",
    );
    const confirmed = await m.sandbox.request<Payment>("POST", `/payments/${draft.body.id}/confirm`, {
      payment_method_data: card("4242424242424242"),
    });
    expect(confirmed.body.status).toBe("succeeded");
    expectError(
      await m.sandbox.request("POST", `/payments/${draft.body.id}/cancel`),
      409,
      "payment_state_invalid",
    );
    expectError(
      await m.sandbox.request("POST", `/payments/${draft.body.id}/confirm`, {}),
      409,
      "payment_state_invalid",
    );

    const auth = await pay(m.sandbox, "4242424242424242", { capture_method: "manual" });
    const canceled = await m.sandbox.request<Payment>("POST", `/payments/${auth.body.id}/cancel`, {
      cancellation_reason: "abandoned",
    });
    expect(canceled.body.status).toBe("canceled");
    expectError(
      await m.sandbox.request("POST", `/payments/${auth.body.id}/capture`),
      409,
      "payment_state_invalid",
    );
  });

  it("idempotent create: the same key returns the same payment and charges once", async () => {
    const m = await createMerchant();
    const body = {
      amount: 1234,
      currency: "USD",
      payment_method_data: card("4242424242424242"),
      confirm: true,
    };
    const [a, b] = [
      await m.sandbox.request<Payment>("POST", "/payments", body, { "idempotency-key": "k1" }),
      await m.sandbox.request<Payment>("POST", "/payments", body, { "idempotency-key": "k1" }),
    ];
    expect(b.body.id).toBe(a.body.id);
    const count = await query("select id from payments where merchant_id = $1", [m.merchantId]);
    expect(count).toHaveLength(1);
  });

  it("refuses invalid cards and unsupported methods with clear codes before any provider", async () => {
    const m = await createMerchant();
    expectError(await pay(m.sandbox, "4242424242424241"), 400, "card_number_invalid");
    expectError(
      await m.sandbox.request("POST", "/payments", {
        amount: 100,
        currency: "USD",
        confirm: true,
        payment_method_data: {
          type: "card",
          card: { number: "4242424242424242", exp_month: 1, exp_year: 2020, cvc: "123" },
        },
      }),
      400,
      "card_expiry_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/payments", {
        amount: 100,
        currency: "USD",
        confirm: true,
        payment_method_data: {
          type: "card",
          card: { number: "4242424242424242", exp_month: 1, exp_year: 2040, cvc: "12" },
        },
      }),
      400,
      "card_cvc_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/payments", {
        amount: 100,
        currency: "USD",
        confirm: true,
        payment_method_data: { type: "ideal" },
      }),
      400,
      "payment_method_unsupported",
    );
    expectError(
      await m.sandbox.request("POST", "/payments", {
        amount: 100,
        currency: "EUR",
        confirm: true,
        payment_method_data: { type: "ideal", billing_details: { country: "DE" } },
      }),
      400,
      "payment_method_unsupported",
    );
    expectError(
      await m.sandbox.request("POST", "/payments", { amount: -1, currency: "USD" }),
      400,
      "amount_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/payments", { amount: 1, currency: "usd" }),
      400,
      "currency_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/payments", { amount: 1, currency: "USD", confirm: true }),
      400,
      "parameter_missing",
    );
  });
});
