import { describe, expect, it } from "vitest";
import { paymentSettle } from "../../../functions/payment-settle";
import { query } from "../../../test/db";
import { baseUrl, createMerchant } from "../../../test/harness";

/** A schedule slot of its own in the past, so no other test's cron run shares its dedupe window. */
function freshSlot(): number {
  return Date.UTC(2002, 0, 1) + Math.floor(Math.random() * 1_000_000) * 300_000;
}

async function fireCron(slot: number): Promise<void> {
  const cron = encodeURIComponent(paymentSettle.schedule ?? "");
  const res = await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${cron}&time=${slot}`);
  expect(res.status).toBe(200);
}

async function ledger(merchantId: string, paymentId: string) {
  const accounts = await query<{ kind: string; balance: string }>(
    "select kind, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = 'USD'",
    [merchantId],
  );
  const settlements = await query("select 1 from ledger_transactions where source = $1", [
    `payment:${paymentId}:settled`,
  ]);
  return {
    balances: Object.fromEntries(accounts.map((row) => [row.kind, Number(row.balance)])),
    settlements: settlements.length,
  };
}

describe("payment-settle background function", () => {
  it("through the cron trigger: nothing before available_on, then pending → available once, however often it runs", async () => {
    const m = await createMerchant();
    const paid = await m.sandbox.request<{ id: string; available_on: string }>("POST", "/payments", {
      amount: 10_000,
      currency: "USD",
      confirm: true,
      payment_method_data: {
        type: "card",
        card: { number: "4242424242424242", exp_month: 12, exp_year: 2040 },
      },
    });
    const id = paid.body.id;
    expect(new Date(paid.body.available_on).getTime()).toBeGreaterThan(Date.now() + 86_400_000);

    await fireCron(freshSlot());
    expect(await ledger(m.merchantId, id)).toMatchObject({
      balances: { merchant_pending: 9_680 },
      settlements: 0,
    });

    // The provider's settlement delay has passed.
    await query(
      "update payments set available_on = now() - interval '1 minute', created_at = created_at - interval '3 days' where id = $1",
      [id],
    );
    const slot = freshSlot();
    await fireCron(slot);
    const settled = await ledger(m.merchantId, id);
    expect(settled).toEqual({
      balances: expect.objectContaining({ merchant_pending: 0, merchant_available: 9_680 }),
      settlements: 1,
    });
    const [run] = await query<{ status: string; trigger: string; result: { settled: number } }>(
      "select status, trigger, result from function_runs where function_name = 'payment-settle' and window_key = $1",
      [new Date(Math.floor(slot / 300_000) * 300_000).toISOString().slice(0, 16)],
    );
    expect(run).toMatchObject({ status: "succeeded", trigger: "cron" });
    expect(run?.result.settled).toBeGreaterThanOrEqual(1);
    const payment = await m.sandbox.request<{ settled: boolean }>("GET", `/payments/${id}`);
    expect(payment.body.settled).toBe(true);

    // Again in the same window (deduplicated) and in a new one (runs, finds nothing to do).
    await fireCron(slot);
    await fireCron(freshSlot());
    expect(await ledger(m.merchantId, id)).toEqual(settled);
  });

  it("two runs at once (different windows) settle a payment once between them", async () => {
    const m = await createMerchant();
    const paid = await m.sandbox.request<{ id: string }>("POST", "/payments", {
      amount: 20_000,
      currency: "USD",
      confirm: true,
      payment_method_data: {
        type: "card",
        card: { number: "4242424242424242", exp_month: 12, exp_year: 2040 },
      },
    });
    const id = paid.body.id;
    await query("update payments set available_on = now() - interval '1 minute' where id = $1", [id]);
    await Promise.all([fireCron(freshSlot()), fireCron(freshSlot()), fireCron(freshSlot())]);
    expect(await ledger(m.merchantId, id)).toEqual({
      balances: expect.objectContaining({ merchant_pending: 0, merchant_available: 19_400 }),
      settlements: 1,
    });
  });
});
