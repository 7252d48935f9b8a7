import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payoutBatch } from "../../../functions/payout-batch";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { type IncreaseFake, startIncreaseFake } from "../../../test/increase-fake";
import { nodeServices } from "../../../test/node-services";
import { addPerson, createBusiness, settled, submit, upload } from "../../../test/verifications";
import { runFunction } from "../../core/background-functions";
import type { Services } from "../../core/context";
import { post } from "../../core/ledger";
import { ibanAccount, usAccount } from "../bank-accounts/test-accounts";
import { eventTypes } from "./payouts-testing";
import type { Payout } from "./schemas";

/**
 * Production payouts through the Increase rail adapter, against a local fake of Increase's ACH
 * Transfers API: payout-batch runs with the Worker's own services, configured for production as an
 * operator would (RAIL_PROVIDER=increase, INCREASE_BASE_URL at the fake).
 */
let fake: IncreaseFake;
let services: Services;
let plain: Services;
let m: TestMerchant;
let usd: string;

beforeAll(async () => {
  fake = await startIncreaseFake();
  services = nodeServices({
    RAIL_PROVIDER: "increase",
    INCREASE_BASE_URL: fake.url,
    INCREASE_API_KEY: fake.apiKey,
    INCREASE_ACCOUNT_ID: fake.accountId,
    PROVIDER_TIMEOUT_MS: "1000",
  });
  plain = nodeServices();
  m = await approvedMerchant();
  usd = await productionAccount(m, usAccount());
  await fundProduction(m, "USD", 1_000_000);
}, 120_000);

afterAll(async () => {
  await services.close();
  await plain.close();
  await fake.close();
});

async function approvedMerchant(): Promise<TestMerchant> {
  const merchant = await createMerchant();
  const business = await createBusiness(merchant, "production");
  const owner = await addPerson(merchant, "production", business.id, "Ada", {
    ownership_percent: 100,
    director: true,
    title: "CEO",
  });
  await upload(merchant.production, business.id, "register_extract");
  const submitted = await merchant.production.request(
    "POST",
    `/business_verifications/${business.id}/submit`,
  );
  expect(submitted.status, submitted.text).toBe(200);
  await submit(merchant.production, owner.id);
  expect((await settled(merchant.production, owner.id)).status).toBe("approved");
  return merchant;
}

/** Production accounts are verified by a provider not simulated here: the test marks it verified. */
async function productionAccount(merchant: TestMerchant, body: Record<string, unknown>): Promise<string> {
  const saved = await merchant.production.request<{ id: string }>("POST", "/bank-accounts", body);
  expect(saved.status, saved.text).toBe(200);
  await query("update bank_accounts set status = 'verified', verified_at = now() where id = $1", [
    saved.body.id,
  ]);
  return saved.body.id;
}

/** Production funds, as a settled deposit would leave them: funding in transit → available. */
async function fundProduction(merchant: TestMerchant, currency: string, amount: number): Promise<void> {
  await plain.transaction((tx) =>
    post(
      {
        merchantId: merchant.merchantId,
        environment: "production",
        source: `${merchant.merchantId}:test-funding:${currency}`,
        type: "adjustment",
        entries: [
          { account: { kind: "merchant_available", currency }, amount },
          { account: { kind: "funding_in_transit", currency }, amount: -amount },
        ],
        at: new Date(),
      },
      tx,
    ),
  );
}

async function available(currency = "USD"): Promise<number> {
  const [row] = await query<{ balance: string }>(
    "select balance from ledger_accounts where merchant_id = $1 and environment = 'production' and currency = $2 and kind = 'merchant_available'",
    [m.merchantId, currency],
  );
  return Number(row?.balance ?? 0);
}

async function createPayout(amount: number, destination = usd, currency = "USD"): Promise<Payout> {
  const created = await m.production.request<Payout>("POST", "/payouts", { amount, currency, destination });
  expect(created.status, created.text).toBe(200);
  return created.body;
}

async function retrieve(id: string, merchant = m): Promise<Payout> {
  const res = await merchant.production.request<Payout>("GET", `/payouts/${id}`);
  if (res.status === 404) return (await merchant.sandbox.request<Payout>("GET", `/payouts/${id}`)).body;
  expect(res.status, res.text).toBe(200);
  return res.body;
}

let runs = 0;

/**
 * payout-batch for this file's merchant, in a window of its own, after the latest cut-off of its
 * payouts (so every one is due; returns stay inside their window, which ends days after it). Each
 * run a minute after the one before, so that events of successive runs are ordered.
 */
async function runBatch(with_ = services): Promise<Record<string, unknown>> {
  const window = new Date(Date.UTC(2002, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000);
  const [latest] = await query<{ at: Date | null }>(
    "select max(window_at) as at from payouts where merchant_id = $1",
    [m.merchantId],
  );
  runs += 1;
  const at = new Date(Math.max(Date.now(), latest?.at?.getTime() ?? 0) + runs * 60_000);
  const outcome = await runFunction(
    { ...with_, clock: { now: () => at } },
    payoutBatch,
    { merchant: m.merchantId },
    "manual",
    window,
  );
  if (outcome.status !== "succeeded") throw new Error(`payout-batch: ${JSON.stringify(outcome)}`);
  return outcome.result;
}

async function releasedPostings(id: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    "select count(*)::int as n from ledger_transactions where source = $1",
    [`payout:${id}:released`],
  );
  return row?.n ?? 0;
}

describe("payouts in production through the Increase rail adapter", () => {
  it("without a rail provider configured, production payouts stay pending", async () => {
    const payout = await createPayout(1_001);
    await runBatch(plain);
    expect((await retrieve(payout.id)).status).toBe("pending");
    expect(fake.creations(payout.id)).toBe(0);
    expect((await m.production.request("POST", `/payouts/${payout.id}/cancel`)).status).toBe(200);
  });

  it("submits once with the payout id as idempotency key, paid when Increase settles it; a return releases the funds once", async () => {
    const before = await available();
    const payout = await createPayout(25_000);
    await runBatch();
    const transfer = fake.transferFor(payout.id);
    expect(transfer).toMatchObject({
      amount: 25_000,
      account_id: fake.accountId,
      routing_number: expect.any(String),
    });
    const sent = await retrieve(payout.id);
    expect(sent.status).toBe("in_transit");
    // A cancel once it left is refused.
    expectError(
      await m.production.request("POST", `/payouts/${payout.id}/cancel`),
      409,
      "payout_not_cancelable",
    );

    // Not settled yet: still in transit, and never sent twice.
    await runBatch();
    expect((await retrieve(payout.id)).status).toBe("in_transit");
    expect(fake.creations(payout.id)).toBe(1);

    fake.settle(transfer?.id ?? "");
    await runBatch();
    expect((await retrieve(payout.id)).status).toBe("paid");
    expect(await available()).toBe(before - 25_000);

    fake.returnTransfer(transfer?.id ?? "", "R03", "no_account");
    await runBatch();
    await runBatch();
    const returned = await retrieve(payout.id);
    expect(returned).toMatchObject({ status: "failed", failure_code: "R03" });
    expect(returned.returned_at).not.toBeNull();
    expect(await releasedPostings(payout.id)).toBe(1);
    expect(await available()).toBe(before);
    expect(await eventTypes(payout.id)).toEqual([
      "payout.created",
      "payout.in_transit",
      "payout.paid",
      "payout.returned",
    ]);
  });

  it("a rejection before settlement fails the payout and releases its funds once", async () => {
    const before = await available();
    const payout = await createPayout(3_300);
    await runBatch();
    const transfer = fake.transferFor(payout.id);
    fake.returnTransfer(transfer?.id ?? "", "R02", "account_closed");
    await runBatch();
    await runBatch();
    expect(await retrieve(payout.id)).toMatchObject({
      status: "failed",
      failure_code: "R02",
      returned_at: null,
    });
    expect(await releasedPostings(payout.id)).toBe(1);
    expect(await available()).toBe(before);
  });

  it("a timeout on submit, then the retry: one transfer at Increase, stored on the payout", async () => {
    const payout = await createPayout(4_400);
    fake.failNextCreate({ timeoutMs: 3_000 });
    await runBatch();
    // Increase made the transfer but the answer never came: the payout waits, claimed (no cancel).
    expect(fake.creations(payout.id)).toBe(1);
    expect((await retrieve(payout.id)).status).toBe("pending");
    expectError(
      await m.production.request("POST", `/payouts/${payout.id}/cancel`),
      409,
      "payout_not_cancelable",
    );

    await runBatch();
    expect(fake.creations(payout.id)).toBe(1);
    expect([...fake.transfers.values()].filter((t) => t.idempotency_key === payout.id)).toHaveLength(1);
    expect((await retrieve(payout.id)).status).toBe("in_transit");
    const [row] = await query<{ rail_transfer_id: string }>(
      "select rail_transfer_id from payouts where id = $1",
      [payout.id],
    );
    expect(row?.rail_transfer_id).toBe(fake.transferFor(payout.id)?.id);
  });

  it("Increase answering 500 leaves the payout pending; the next run sends it", async () => {
    const payout = await createPayout(5_500);
    fake.failNextCreate({ error: 500 });
    await runBatch();
    expect((await retrieve(payout.id)).status).toBe("pending");
    expect(fake.creations(payout.id)).toBe(0);
    await runBatch();
    expect((await retrieve(payout.id)).status).toBe("in_transit");
    expect(fake.creations(payout.id)).toBe(1);
  });

  it("a credit Increase refuses as invalid (400) fails the payout at once and releases its funds; nothing is sent again", async () => {
    const before = await available();
    const payout = await createPayout(6_600);
    fake.failNextCreate({ error: 400 });
    await runBatch();
    expect(await retrieve(payout.id)).toMatchObject({ status: "failed", failure_code: "rail_rejected" });
    expect(await releasedPostings(payout.id)).toBe(1);
    expect(await available()).toBe(before);
    await runBatch();
    expect(fake.creations(payout.id)).toBe(0);
    expect((await retrieve(payout.id)).status).toBe("failed");
  });

  it("EUR payouts stay pending in production (Increase has no SEPA); sandbox payouts still go to the simulator", async () => {
    const eur = await productionAccount(m, ibanAccount("DE"));
    await fundProduction(m, "EUR", 10_000);
    const payout = await createPayout(2_000, eur, "EUR");

    const sandboxAccount = await m.sandbox.request<{ id: string }>("POST", "/bank-accounts", usAccount());
    await m.sandbox.request("POST", `/bank-accounts/${sandboxAccount.body.id}/verify/instant`);
    const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
      amount: 5_000,
      currency: "USD",
      method: "ach",
    });
    await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
    const sandboxPayout = await m.sandbox.request<Payout>("POST", "/payouts", {
      amount: 1_200,
      currency: "USD",
      destination: sandboxAccount.body.id,
    });
    expect(sandboxPayout.status, sandboxPayout.text).toBe(200);

    await runBatch();
    expect((await retrieve(payout.id)).status).toBe("pending");
    expect(fake.creations(payout.id)).toBe(0);
    expect((await m.production.request("POST", `/payouts/${payout.id}/cancel`)).status).toBe(200);
    // The sandbox payout went to the simulated rail, never to Increase. Whether the simulator also
    // paid it in the same run depends on the hour the test runs at (its arrival day on the rail).
    expect(["in_transit", "paid"]).toContain((await retrieve(sandboxPayout.body.id)).status);
    expect(fake.creations(sandboxPayout.body.id)).toBe(0);
  });
});
