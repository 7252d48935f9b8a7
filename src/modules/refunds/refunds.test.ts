import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { type Client, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import { failRefundUpdates } from "../../../test/payment-faults";
import { runFunctionFor } from "../../../test/verifications";
import { fundWaitingRefund, retryWaitingRefunds } from "./service";
import { refunds } from "./tables";

type Refund = {
  id: string;
  status: string;
  amount: number;
  payment: string;
};

async function settledPayment(client: Client, amount: number): Promise<string> {
  const created = await client.request<{ id: string }>("POST", "/payments", {
    amount,
    currency: "USD",
    confirm: true,
    payment_method_data: {
      type: "card",
      card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
    },
  });
  await client.request("POST", `/sandbox/payments/${created.body.id}/settle`);
  return created.body.id;
}

async function usd(merchantId: string): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; balance: string }>(
    "select kind, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = 'USD'",
    [merchantId],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.balance)]));
}

/** Runs payment-reconcile (which funds waiting refunds) for one merchant, in a window of its own. */
async function fireReconcile(m: TestMerchant): Promise<void> {
  const outcome = await runFunctionFor("payment-reconcile", { merchant: m.merchantId }, 0);
  expect(outcome.status, JSON.stringify(outcome)).toBe("succeeded");
}

/** A settled card payment in `currency`, pinned to one simulated processor. */
async function settledPaymentVia(client: Client, provider: string, currency: string, amount: number) {
  const created = await client.request<{ id: string; provider: string; fee: number }>("POST", "/payments", {
    amount,
    currency,
    confirm: true,
    payment_method_data: {
      type: "card",
      // A French card: sandbox_europe serves it, and a pin sends it to sandbox_global instead.
      card: { number: "4000002500000003", exp_month: 12, exp_year: 2040, cvc: "123" },
    },
  });
  expect(created.body.provider).toBe(provider);
  await client.request("POST", `/sandbox/payments/${created.body.id}/settle`);
  return created.body;
}

async function feesBalance(merchantId: string, currency: string): Promise<number> {
  const [row] = await query<{ balance: string }>(
    "select balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = $2 and kind = 'fees'",
    [merchantId, currency],
  );
  return Number(row?.balance ?? 0);
}

describe("refunds", () => {
  it("a full refund returns the fee only where the provider does (sandbox_europe yes, sandbox_global no)", async () => {
    for (const [provider, returnsFee] of [
      ["sandbox_europe", true],
      ["sandbox_global", false],
    ] as const) {
      const m = await createMerchant();
      const pinned = await m.sandbox.request("POST", "/routing/rules", { action: "pin", provider });
      expect(pinned.status).toBe(200);
      const paid = await settledPaymentVia(m.sandbox, provider, "EUR", 10_000);
      // Another settled payment, so that available covers a refund that keeps the fee.
      await settledPaymentVia(m.sandbox, provider, "EUR", 10_000);
      const fees = await feesBalance(m.merchantId, "EUR");
      expect(fees).toBe(2 * paid.fee);
      const refund = await m.sandbox.request<Refund>("POST", `/payments/${paid.id}/refunds`, {});
      expect(refund.body).toMatchObject({ status: "succeeded", amount: 10_000 });
      expect(await feesBalance(m.merchantId, "EUR")).toBe(returnsFee ? fees - paid.fee : fees);
    }
  });

  it("a waiting refund funded after the payment's last refund does not return the provider's fee a second time", async () => {
    const m = await createMerchant();
    const pinned = await m.sandbox.request("POST", "/routing/rules", {
      action: "pin",
      provider: "sandbox_europe",
    });
    expect(pinned.status).toBe(200);
    const paid = await settledPaymentVia(m.sandbox, "sandbox_europe", "EUR", 10_000);
    const fees = await feesBalance(m.merchantId, "EUR");
    const first = await m.sandbox.request<Refund>("POST", `/payments/${paid.id}/refunds`, { amount: 5_000 });
    expect(first.body.status).toBe("succeeded");
    // 5,000 - fee left in available: this one waits for money.
    const waiting = await m.sandbox.request<Refund>("POST", `/payments/${paid.id}/refunds`, {
      amount: 4_900,
    });
    expect(waiting.body).toMatchObject({ status: "pending", pending_reason: "insufficient_funds" });
    // The refund that completes the payment: the fee comes back with it (capped at its amount).
    const last = await m.sandbox.request<Refund>("POST", `/payments/${paid.id}/refunds`, { amount: 100 });
    expect(last.body.status).toBe("succeeded");
    const other = await settledPaymentVia(m.sandbox, "sandbox_europe", "EUR", 10_000);
    await fireReconcile(m);
    const after = await m.sandbox.request<Refund>("GET", `/refunds/${waiting.body.id}`);
    expect(after.body.status).toBe("succeeded");
    // The payment's fee comes back once in all, whichever refunds carry it.
    expect(await feesBalance(m.merchantId, "EUR")).toBe(fees - paid.fee + other.fee);
  });

  it("partial then full refund, tracked independently, with ledger postings and events", async () => {
    const m = await createMerchant();
    const paymentId = await settledPayment(m.sandbox, 10_000);
    await settledPayment(m.sandbox, 10_000);
    const partial = await m.sandbox.request<Refund>("POST", `/payments/${paymentId}/refunds`, {
      amount: 3_000,
      reason: "requested_by_customer",
    });
    expect(partial.body).toMatchObject({ status: "succeeded", amount: 3_000, payment: paymentId });
    expect(partial.body.id).toMatch(/^re_/);
    const rest = await m.sandbox.request<Refund>("POST", `/payments/${paymentId}/refunds`, {});
    expect(rest.body.amount).toBe(7_000);
    expectError(
      await m.sandbox.request("POST", `/payments/${paymentId}/refunds`, { amount: 1 }),
      400,
      "refund_exceeds_captured",
    );
    const payment = await m.sandbox.request<{ amount_refunded: number }>("GET", `/payments/${paymentId}`);
    expect(payment.body.amount_refunded).toBe(10_000);
    const list = await m.sandbox.request<{ data: Refund[] }>(
      "GET",
      `/refunds?payment=${paymentId}&status=succeeded`,
    );
    expect(list.body.data.map((r) => r.id)).toEqual([rest.body.id, partial.body.id]);
    const one = await m.sandbox.request<Refund>("GET", `/refunds/${partial.body.id}`);
    expect(one.body.amount).toBe(3_000);
    const [available] = await query<{ balance: string }>(
      "select balance from ledger_accounts where merchant_id = $1 and kind = 'merchant_available' and currency = 'USD'",
      [m.merchantId],
    );
    expect(Number(available?.balance)).toBe(9_680 * 2 - 10_000);
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [partial.body.id],
    );
    expect(events.map((e) => e.type)).toEqual(["refund.created", "refund.succeeded"]);
  });

  it("a refund of a payment still pending draws on its own pending funds, not available (issue 10, finding 4)", async () => {
    const m = await createMerchant();
    const created = await m.sandbox.request<{ id: string; net: number }>("POST", "/payments", {
      amount: 5_000,
      currency: "USD",
      confirm: true,
      payment_method_data: {
        type: "card",
        card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
      },
    });
    const refund = await m.sandbox.request<Refund>("POST", `/payments/${created.body.id}/refunds`, {
      amount: 3_000,
    });
    expect(refund.body).toMatchObject({ status: "succeeded", amount: 3_000 });
    expect(await usd(m.merchantId)).toMatchObject({ merchant_pending: created.body.net - 3_000 });
    // Settling later moves only what the refund left in pending.
    await m.sandbox.request("POST", `/sandbox/payments/${created.body.id}/settle`);
    expect(await usd(m.merchantId)).toMatchObject({
      merchant_pending: 0,
      merchant_available: created.body.net - 3_000,
    });
  });

  it("a full refund the funds don't cover waits as pending (insufficient_funds) and is sent when money arrives", async () => {
    const m = await createMerchant();
    const paymentId = await settledPayment(m.sandbox, 10_000);
    // sandbox_global keeps its fee on refunds: 10,000 back from 9,680 available does not fit.
    const refund = await m.sandbox.request<Refund & { pending_reason: string }>(
      "POST",
      `/payments/${paymentId}/refunds`,
      {},
    );
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({
      status: "pending",
      pending_reason: "insufficient_funds",
      amount: 10_000,
    });
    expectError(
      await m.sandbox.request("POST", `/payments/${paymentId}/refunds`, { amount: 1 }),
      400,
      "refund_exceeds_captured",
    );
    await settledPayment(m.sandbox, 1_000);
    await fireReconcile(m);
    const after = await m.sandbox.request<Refund & { pending_reason: string | null }>(
      "GET",
      `/refunds/${refund.body.id}`,
    );
    expect(after.body).toMatchObject({ status: "succeeded", pending_reason: null });
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [refund.body.id],
    );
    expect(events.map((e) => e.type)).toEqual(["refund.created", "refund.updated", "refund.succeeded"]);
    expect(await usd(m.merchantId)).toMatchObject({ merchant_available: 9_680 + (1_000 - 59) - 10_000 });
  });

  it("a refund still short of funds goes to the back of the queue, so one that can be funded is not kept waiting", async () => {
    const short = await createMerchant();
    const funded = await createMerchant();
    const waiting = async (m: TestMerchant) => {
      const paymentId = await settledPayment(m.sandbox, 10_000);
      const refund = await m.sandbox.request<Refund>("POST", `/payments/${paymentId}/refunds`, {});
      expect(refund.body).toMatchObject({ status: "pending", pending_reason: "insufficient_funds" });
      return refund.body.id;
    };
    const first = await waiting(short);
    const second = await waiting(funded);
    await settledPayment(funded.sandbox, 1_000);
    const services = nodeServices();
    try {
      const owners = [short, funded].map((m) => ({
        merchantId: m.merchantId,
        environment: "sandbox" as const,
      }));
      // One refund per run: the first run takes the oldest, which still does not fit; the next run
      // must take the other.
      expect(await retryWaitingRefunds(services, { merchants: owners, limit: 1 })).toBe(0);
      expect(await retryWaitingRefunds(services, { merchants: owners, limit: 1 })).toBe(1);
    } finally {
      await services.close();
    }
    expect((await short.sandbox.request<Refund>("GET", `/refunds/${first}`)).body.status).toBe("pending");
    expect((await funded.sandbox.request<Refund>("GET", `/refunds/${second}`)).body.status).not.toBe(
      "pending",
    );
  });

  it("a waiting refund another run funded since it was read is left alone, not failed on", async () => {
    const m = await createMerchant();
    const paymentId = await settledPayment(m.sandbox, 10_000);
    const refund = await m.sandbox.request<Refund>("POST", `/payments/${paymentId}/refunds`, {});
    expect(refund.body).toMatchObject({ status: "pending", pending_reason: "insufficient_funds" });
    await settledPayment(m.sandbox, 20_000);
    const services = nodeServices();
    try {
      // Both runs read the refund while it waited (settlement-run and payment-reconcile overlapping).
      const [read] = await services.db.select().from(refunds).where(eq(refunds.id, refund.body.id));
      if (!read) throw new Error("refund not found");
      expect(await fundWaitingRefund(services, read)).toBe(true);
      expect(await fundWaitingRefund(services, read)).toBe(false);
    } finally {
      await services.close();
    }
    const fundings = await query("select 1 from ledger_transactions where merchant_id = $1 and source = $2", [
      m.merchantId,
      `refund:${refund.body.id}:funded`,
    ]);
    expect(fundings).toHaveLength(1);
    const updates = await query("select 1 from events where object_id = $1 and type = 'refund.updated'", [
      refund.body.id,
    ]);
    expect(updates).toHaveLength(1);
    expect((await m.sandbox.request<Refund>("GET", `/refunds/${refund.body.id}`)).body.status).toBe(
      "succeeded",
    );
  });

  it("within the merchant's negative-balance limit, a refund goes through and the balance goes below zero", async () => {
    const m = await createMerchant();
    await query("update merchants set negative_balance_limit = 1000 where id = $1", [m.merchantId]);
    const paymentId = await settledPayment(m.sandbox, 10_000);
    const refund = await m.sandbox.request<Refund>("POST", `/payments/${paymentId}/refunds`, {});
    expect(refund.body).toMatchObject({ status: "succeeded", amount: 10_000 });
    const balances = await usd(m.merchantId);
    expect((balances.merchant_available ?? 0) + (balances.merchant_pending ?? 0)).toBe(-320);
  });

  it("20 concurrent partial refunds never exceed the captured amount", async () => {
    const m = await createMerchant();
    const paymentId = await settledPayment(m.sandbox, 10_000);
    await settledPayment(m.sandbox, 10_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        m.sandbox.request<Refund>("POST", `/payments/${paymentId}/refunds`, { amount: 700 }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(14);
    for (const r of results.filter((r) => r.status !== 200)) expectError(r, 400, "refund_exceeds_captured");
    const [sum] = await query<{ total: string }>(
      "select coalesce(sum(amount), 0) as total from refunds where payment_id = $1",
      [paymentId],
    );
    expect(Number(sum?.total)).toBe(9_800);
    const payment = await m.sandbox.request<{ amount_refunded: number }>("GET", `/payments/${paymentId}`);
    expect(payment.body.amount_refunded).toBe(9_800);
  });

  it("a refund whose provider answer could not be recorded stays pending and is replayed for its Idempotency-Key, never made twice", async () => {
    const m = await createMerchant();
    const paymentId = await settledPayment(m.sandbox, 10_000);
    await settledPayment(m.sandbox, 10_000);
    const refundOnce = () =>
      m.sandbox.request<Refund>(
        "POST",
        `/payments/${paymentId}/refunds`,
        { amount: 1_000 },
        { "idempotency-key": key },
      );
    const key = `refund-${Date.now()}`;
    const restore = await failRefundUpdates({ merchantId: m.merchantId, status: "succeeded" });
    const first = await refundOnce().finally(restore);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ status: "pending", amount: 1_000 });
    const retry = await refundOnce();
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.id).toBe(first.body.id);
    expect(await query("select id from refunds where payment_id = $1", [paymentId])).toHaveLength(1);
    await query("update refunds set updated_at = now() - interval '10 minutes' where id = $1", [
      first.body.id,
    ]);
    await fireReconcile(m);
    const after = await m.sandbox.request<Refund>("GET", `/refunds/${first.body.id}`);
    expect(after.body.status).toBe("succeeded");
    const payment = await m.sandbox.request<{ amount_refunded: number }>("GET", `/payments/${paymentId}`);
    expect(payment.body.amount_refunded).toBe(1_000);
  });

  it("refuses refunds of unpaid payments and of non-refundable methods", async () => {
    const m = await createMerchant();
    const draft = await m.sandbox.request<{ id: string }>("POST", "/payments", {
      amount: 100,
      currency: "USD",
    });
    expectError(
      await m.sandbox.request("POST", `/payments/${draft.body.id}/refunds`, {}),
      409,
      "payment_state_invalid",
    );
    const oxxo = await m.sandbox.request<{ id: string }>("POST", "/payments", {
      amount: 5_000,
      currency: "MXN",
      confirm: true,
      payment_method_data: { type: "oxxo" },
    });
    await m.sandbox.request("POST", `/sandbox/payments/${oxxo.body.id}/complete`, { outcome: "succeeded" });
    expectError(
      await m.sandbox.request("POST", `/payments/${oxxo.body.id}/refunds`, {}),
      400,
      "payment_not_refundable",
    );
    expectError(await m.sandbox.request("GET", "/refunds/re_missing"), 404, "resource_missing");
  });

  it("a provider refusal is kept as a failed refund (refund.failed) with no ledger posting", async () => {
    const m = await createMerchant();
    const paymentId = await settledPayment(m.sandbox, 30_000);
    const available = async () => {
      const [row] = await query<{ balance: string }>(
        "select balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and kind = 'merchant_available' and currency = 'USD'",
        [m.merchantId],
      );
      return Number(row?.balance);
    };
    const before = await available();
    // Documented sandbox outcome: a refund amount ending in 0002 is refused.
    const failed = await m.sandbox.request<Refund & { failure_code: string | null }>(
      "POST",
      `/payments/${paymentId}/refunds`,
      { amount: 10_002 },
    );
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      status: "failed",
      amount: 10_002,
      failure_code: "expired_or_canceled_card",
    });
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at, type",
      [failed.body.id],
    );
    expect(events.map((e) => e.type).sort()).toEqual(["refund.created", "refund.failed"]);
    expect(
      await query("select 1 from ledger_transactions where source = $1", [
        `refund:${failed.body.id}:created`,
      ]),
    ).toEqual([]);
    expect(await available()).toBe(before);
    const payment = await m.sandbox.request<{ amount_refunded: number }>("GET", `/payments/${paymentId}`);
    expect(payment.body.amount_refunded).toBe(0);
    const listed = await m.sandbox.request<{ data: Refund[] }>(
      "GET",
      `/refunds?payment=${paymentId}&status=failed`,
    );
    expect(listed.body.data.map((r) => r.id)).toEqual([failed.body.id]);

    const retry = await m.sandbox.request<Refund>("POST", `/payments/${paymentId}/refunds`, {
      amount: 10_000,
    });
    expect(retry.body.status).toBe("succeeded");
    expect(await available()).toBe(before - 10_000);
  });
});
