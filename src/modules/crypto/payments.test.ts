import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HardhatNode } from "../../../scripts/hardhat-node";
import {
  type ChainClient,
  LOCAL_CHAIN_WAIT_MS,
  pollLocalChain,
  sendToken,
  startLocalChain,
} from "../../../test/crypto-chain";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { afterReversal, nextPayment } from "./payment-matching";
import type { CryptoPayment } from "./schemas";
import type { CryptoDepositRow, CryptoPaymentRow } from "./tables";

let node: HardhatNode;
let chain: ChainClient;

beforeAll(async () => {
  ({ node, client: chain } = await startLocalChain());
}, LOCAL_CHAIN_WAIT_MS);

afterAll(async () => {
  await node?.close();
});

const USDC = (whole: number) => BigInt(Math.round(whole * 1_000_000));

async function customer(m: TestMerchant): Promise<string> {
  const created = await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Satoshi" });
  return created.body.id;
}

async function payment(m: TestMerchant, id: string): Promise<CryptoPayment> {
  const read = await m.sandbox.request<CryptoPayment>("GET", `/crypto/payments/${id}`);
  expect(read.status).toBe(200);
  return read.body;
}

/**
 * Pays, mines the confirmations, then polls until the deposit is credited (the first poll finds it, a later one
 * credits it; a poll another test file runs at the same moment may take either turn), and once more so that a
 * payment-matching pass runs after the credit.
 */
async function pay(to: string, amount: bigint, clockOffsetSeconds = 0): Promise<void> {
  const hash = await sendToken(chain, to as Hex, amount);
  await chain.mine({ blocks: 6 });
  for (let poll = 0; poll < 10; poll += 1) {
    await pollLocalChain(clockOffsetSeconds);
    const credited = await query("select 1 from crypto_deposits where tx_hash = $1 and status = 'credited'", [
      hash,
    ]);
    if (credited.length > 0) {
      await pollLocalChain(clockOffsetSeconds);
      return;
    }
  }
  throw new Error(`the deposit ${hash} was never credited`);
}

async function availableUsd(m: TestMerchant): Promise<number> {
  return (await m.sandbox.request<{ available: number }>("GET", "/balances/USD")).body.available;
}

async function eventTypes(id: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at",
    [id],
  );
  return rows.map((row) => row.type);
}

describe("crypto payments on the local chain", () => {
  it("an under-payment stays partially paid, the rest completes it, and the excess is recorded", async () => {
    const m = await createMerchant();
    const cus = await customer(m);
    const created = await m.sandbox.request<CryptoPayment>(
      "POST",
      "/crypto/payments",
      { customer: cus, network: "local", asset: "USDC", amount: "10", expires_in: 600 },
      { "idempotency-key": `cpay-${cus}` },
    );
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: "crypto_payment",
      status: "open",
      customer: cus,
      amount_due: "10000000",
      amount_received: "0",
      amount_remaining: "10000000",
      overpaid_amount: null,
      deposits: [],
    });
    expect(created.body.payment_uri).toContain(`/transfer?address=${created.body.address}&uint256=10000000`);
    const replay = await m.sandbox.request<CryptoPayment>(
      "POST",
      "/crypto/payments",
      { customer: cus, network: "local", asset: "USDC", amount: "10", expires_in: 600 },
      { "idempotency-key": `cpay-${cus}` },
    );
    expect(replay.body.id).toBe(created.body.id);
    // One open payment per address and asset.
    expectError(
      await m.sandbox.request("POST", "/crypto/payments", {
        customer: cus,
        network: "local",
        asset: "USDC",
        amount: "1",
      }),
      409,
      "resource_conflict",
    );

    await pay(created.body.address, USDC(4));
    expect(await payment(m, created.body.id)).toMatchObject({
      status: "partially_paid",
      amount_received: "4000000",
      amount_remaining: "6000000",
    });
    await pay(created.body.address, USDC(7));
    const completed = await payment(m, created.body.id);
    expect(completed).toMatchObject({
      status: "completed",
      amount_received: "11000000",
      amount_remaining: "0",
      overpaid_amount: "1000000",
      // Its deposits' values at their confirmations: 4 + 7 USDC at par.
      fiat_amount: 1_100,
      fiat_currency: "USD",
    });
    expect(completed.deposits).toHaveLength(2);
    // Every deposit is credited on its own: 11 USDC at par.
    expect(await availableUsd(m)).toBe(1_100);
    await pollLocalChain();
    expect((await payment(m, created.body.id)).deposits).toHaveLength(2);
    expect(await eventTypes(created.body.id)).toEqual([
      "crypto.payment.created",
      "crypto.payment.partially_paid",
      "crypto.payment.completed",
    ]);
  });

  it("a partially paid payment expires at its expiry with what it received, still credited", async () => {
    const m = await createMerchant();
    const cus = await customer(m);
    const created = await m.sandbox.request<CryptoPayment>("POST", "/crypto/payments", {
      customer: cus,
      network: "local",
      asset: "USDC",
      amount: "5",
      expires_in: 60,
    });
    await pay(created.body.address, USDC(2));
    expect((await payment(m, created.body.id)).status).toBe("partially_paid");
    await pollLocalChain(3_600);
    expect(await payment(m, created.body.id)).toMatchObject({
      status: "expired",
      amount_received: "2000000",
      amount_remaining: "3000000",
    });
    // Paid after it expired: an ordinary deposit, credited, not counted.
    await pay(created.body.address, USDC(3), 3_600);
    expect((await payment(m, created.body.id)).amount_received).toBe("2000000");
    expect(await availableUsd(m)).toBe(500);
    expect(await eventTypes(created.body.id)).toEqual([
      "crypto.payment.created",
      "crypto.payment.partially_paid",
      "crypto.payment.expired",
    ]);
  });

  it("a reorg that reverses a counted deposit takes it back from the payment once; the re-mined one completes it again", async () => {
    const m = await createMerchant();
    // Credited after 2 blocks, well before the local chain's finality (6): a reorg can still reach it.
    await m.sandbox.request("POST", "/crypto/networks/local/confirmation_tiers", {
      tiers: [{ min_amount: 0, confirmations: 2 }],
    });
    const cus = await customer(m);
    const created = await m.sandbox.request<CryptoPayment>("POST", "/crypto/payments", {
      customer: cus,
      network: "local",
      asset: "USDC",
      amount: "5",
      expires_in: 3_600,
    });
    await pollLocalChain();
    const snapshot = await chain.snapshot();
    await sendToken(chain, created.body.address as Hex, USDC(5));
    await chain.mine({ blocks: 1 });
    for (let poll = 0; poll < 10; poll += 1) {
      await pollLocalChain();
      if ((await payment(m, created.body.id)).status === "completed") break;
    }
    const completed = await payment(m, created.body.id);
    expect(completed).toMatchObject({ status: "completed", amount_received: "5000000", fiat_amount: 500 });
    const [counted] = completed.deposits;
    expect(await availableUsd(m)).toBe(500);

    // The chain forgets the transfer and grows longer on another branch.
    await chain.revert({ id: snapshot });
    const latest = await chain.getBlock();
    await chain.setNextBlockTimestamp({ timestamp: latest.timestamp + 1_000n });
    await chain.mine({ blocks: 4 });
    await pollLocalChain();
    await pollLocalChain();
    const reversed = await payment(m, created.body.id);
    expect(reversed).toMatchObject({
      status: "open",
      amount_received: "0",
      amount_remaining: "5000000",
      fiat_amount: 0,
      deposits: [],
      completed_at: null,
    });
    const [deposit] = await query<{ status: string }>("select status from crypto_deposits where id = $1", [
      counted,
    ]);
    expect(deposit?.status).toBe("reversed");
    // The payment posted nothing itself: the deposit's reversal took its credit back, once.
    expect(await availableUsd(m)).toBe(0);
    const reversal = await query<{ previous: Record<string, unknown> }>(
      "select previous_attributes as previous from events where object_id = $1 and type = 'crypto.payment.reversed'",
      [created.body.id],
    );
    expect(reversal).toEqual([
      { previous: { status: "completed", amount_received: "5000000", fiat_amount: 500 } },
    ]);

    // Paid again on the new branch: a new deposit, counted again.
    await pay(created.body.address, USDC(5));
    const again = await payment(m, created.body.id);
    expect(again).toMatchObject({ status: "completed", amount_received: "5000000", fiat_amount: 500 });
    expect(again.deposits).not.toContain(counted);
    expect(await availableUsd(m)).toBe(500);
    expect(await eventTypes(created.body.id)).toEqual([
      "crypto.payment.created",
      "crypto.payment.completed",
      "crypto.payment.reversed",
      "crypto.payment.completed",
    ]);
  });

  it("refuses bad input and hides other merchants' and environments' payments", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const cus = await customer(m);
    const body = { customer: cus, network: "local", asset: "USDC", amount: "1" };
    expectError(
      await m.sandbox.request("POST", "/crypto/payments", { ...body, amount: "1.0000001" }),
      400,
      "amount_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/crypto/payments", { ...body, amount: "0" }),
      400,
      "amount_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/crypto/payments", { ...body, asset: "USDT" }),
      400,
      "crypto_asset_unsupported",
    );
    expectError(
      await m.sandbox.request("POST", "/crypto/payments", { ...body, expires_in: 10 }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/crypto/payments", { ...body, customer: "cus_missing" }),
      404,
      "resource_missing",
    );
    expect((await m.sandbox.request<{ data: unknown[] }>("GET", "/crypto/payments")).body.data).toEqual([]);

    const created = await m.sandbox.request<CryptoPayment>("POST", "/crypto/payments", body);
    expect(created.status).toBe(200);
    expectError(
      await other.sandbox.request("GET", `/crypto/payments/${created.body.id}`),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("GET", `/crypto/payments/${created.body.id}`),
      404,
      "resource_missing",
    );
    expect((await other.sandbox.request<{ data: unknown[] }>("GET", "/crypto/payments")).body.data).toEqual(
      [],
    );
  });

  it("counts each deposit once, only those detected while it was open, in order of detection", () => {
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
    const open = {
      id: "cpay_x",
      addressId: "caddr_x",
      asset: "USDC",
      amountDue: "10",
      amountReceived: "0",
      depositIds: [],
      status: "open",
      overpaidAmount: null,
      fiatAmount: 0,
      createdAt: at(10),
      expiresAt: at(50),
    } as unknown as CryptoPaymentRow;
    const deposit = (id: string, amount: string, seconds: number, addressId = "caddr_x") =>
      ({
        id,
        addressId,
        asset: "USDC",
        amount,
        fiatAmount: Number(amount) * 100,
        createdAt: at(seconds),
      }) as unknown as CryptoDepositRow;
    const before = deposit("cdep_before", "5", 5);
    const other = deposit("cdep_other", "5", 20, "caddr_y");
    const first = deposit("cdep_1", "4", 20);
    const late = deposit("cdep_late", "6", 55);
    expect(nextPayment(open, [before, other, late], at(30))).toBeUndefined();
    const partial = nextPayment(open, [before, other, first, late], at(30));
    expect(partial?.row).toMatchObject({
      status: "partially_paid",
      amountReceived: "4",
      depositIds: ["cdep_1"],
    });
    if (!partial) throw new Error("no change");
    expect(nextPayment(partial.row, [first], at(40))).toBeUndefined();
    const done = nextPayment(partial.row, [first, deposit("cdep_2", "9", 30)], at(40));
    expect(done?.row).toMatchObject({
      status: "completed",
      amountReceived: "13",
      overpaidAmount: "3",
      fiatAmount: 1_300,
    });
    expect(nextPayment(partial.row, [first], at(50))?.row).toMatchObject({
      status: "expired",
      amountReceived: "4",
    });

    // A counted deposit reversed by a reorg comes off; the status follows what is left.
    const completed = done?.row;
    if (!completed) throw new Error("no completion");
    const second = deposit("cdep_2", "9", 30);
    const third = deposit("cdep_3", "2", 35);
    const withThird = nextPayment(partial.row, [first, second, third], at(40))?.row;
    if (!withThird) throw new Error("no completion");
    expect(afterReversal(withThird, third, at(45), true)).toMatchObject({
      status: "completed",
      amountReceived: "13",
      overpaidAmount: "3",
      fiatAmount: 1_300,
      depositIds: ["cdep_1", "cdep_2"],
    });
    expect(afterReversal(completed, second, at(45), true)).toMatchObject({
      status: "partially_paid",
      amountReceived: "4",
      overpaidAmount: null,
      completedAt: null,
      fiatAmount: 400,
      depositIds: ["cdep_1"],
    });
    expect(afterReversal(partial.row, first, at(45), true)).toMatchObject({
      status: "open",
      amountReceived: "0",
      fiatAmount: 0,
      depositIds: [],
    });
    // Past its expiry, or with another payment open on the address since: expired.
    expect(afterReversal(completed, second, at(50), true)).toMatchObject({
      status: "expired",
      expiredAt: at(50),
    });
    expect(afterReversal(completed, second, at(45), false)).toMatchObject({ status: "expired" });
  });
});
