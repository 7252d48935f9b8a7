import { eq } from "drizzle-orm";
import { erc20Abi, type Hex, zeroAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payoutBatch } from "../../../functions/payout-batch";
import { type HardhatNode, LOCAL_HOT_WALLET, LOCAL_TEST_TOKEN } from "../../../scripts/hardhat-node";
import {
  type ChainClient,
  LOCAL_CHAIN_WAIT_MS,
  sendToken,
  startLocalChain,
  trackLocalTransfers,
} from "../../../test/crypto-chain";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import { addPerson, createBusiness, settled, submit, upload } from "../../../test/verifications";
import { runFunction } from "../../core/background-functions";
import type { Services } from "../../core/context";
import { execute } from "../../core/db";
import type { CryptoTransfer } from "../crypto/schemas";
import { cryptoTransfers } from "../crypto/tables";
import { assignNonceStatement } from "../crypto/transfer-changes";
import { eventTypes } from "./payouts-testing";
import type { Payout } from "./schemas";

let node: HardhatNode;
let chain: ChainClient;
let services: Services;

/** What the hot wallet holds of the test USDC: a payout above it reverts on chain. */
const HOT_WALLET_USDC = 1_000_000_000n;

beforeAll(async () => {
  services = nodeServices();
  ({ node, client: chain } = await startLocalChain());
  await sendToken(chain, LOCAL_HOT_WALLET, HOT_WALLET_USDC);
}, LOCAL_CHAIN_WAIT_MS);

afterAll(async () => {
  await node?.close();
  await services?.close();
});

const recipient = () => privateKeyToAccount(generatePrivateKey()).address;

async function fundUsd(m: TestMerchant, cents: number): Promise<void> {
  const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount: cents,
    currency: "USD",
    method: "ach",
  });
  expect(deposit.status, deposit.text).toBe(200);
  const received = await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
  expect(received.status, received.text).toBe(200);
}

async function usd(m: TestMerchant): Promise<{ available: number; reserved: number }> {
  const balance = await m.sandbox.request<{ available: number; reserved: number }>("GET", "/balances/USD");
  return { available: balance.body.available, reserved: balance.body.reserved };
}

async function tokenBalance(address: Hex): Promise<bigint> {
  return chain.readContract({
    address: LOCAL_TEST_TOKEN,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [address],
  });
}

/** Runs payout-batch now for this merchant only, in a window no other run shares. */
async function runBatch(m: TestMerchant): Promise<Record<string, unknown>> {
  const window = new Date(Date.UTC(2003, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000);
  const outcome = await runFunction(services, payoutBatch, { merchant: m.merchantId }, "manual", window);
  if (outcome.status !== "succeeded") throw new Error(`payout-batch: ${JSON.stringify(outcome)}`);
  return outcome.result;
}

async function payout(m: TestMerchant, id: string): Promise<Payout> {
  const read = await m.sandbox.request<Payout>("GET", `/payouts/${id}`);
  expect(read.status, read.text).toBe(200);
  return read.body;
}

async function transfer(m: TestMerchant, id: string): Promise<CryptoTransfer> {
  const read = await m.sandbox.request<CryptoTransfer>("GET", `/crypto/transfers/${id}`);
  expect(read.status, read.text).toBe(200);
  return read.body;
}

/** The merchant's crypto-transfer postings, by movement (reserved, sent, released). */
async function postings(m: TestMerchant): Promise<string[]> {
  const rows = await query<{ source: string }>(
    "select source from ledger_transactions where merchant_id = $1 and type in ('crypto_withdrawal', 'payout') order by created_at, source",
    [m.merchantId],
  );
  return rows.map((row) => row.source.split(":")[2] ?? row.source);
}

const walletPayout = (to: string, amount: string) => ({
  destination: to,
  network: "local",
  asset: "USDC",
  asset_amount: amount,
});

describe("payouts to a crypto wallet", () => {
  it("sends through a crypto transfer: pending → in_transit → paid once final, one send for a double-submitted key", async () => {
    const m = await createMerchant();
    await fundUsd(m, 10_000);
    const to = recipient();
    const key = { "Idempotency-Key": `po-crypto-${to}` };
    const [first, second] = await Promise.all([
      m.sandbox.request<Payout>("POST", "/payouts", walletPayout(to, "12.5"), key),
      m.sandbox.request<Payout>("POST", "/payouts", walletPayout(to, "12.5"), key),
    ]);
    const created = first.status === 200 ? first : second;
    expect(created.status, created.text).toBe(200);
    for (const answer of [first, second]) {
      if (answer.status === 200) expect(answer.body.id).toBe(created.body.id);
      else expectError(answer, 409, "idempotency_key_in_progress");
    }
    const replay = await m.sandbox.request<Payout>("POST", "/payouts", walletPayout(to, "12.5"), key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(created.body);

    const po = created.body;
    expect(po).toMatchObject({
      object: "payout",
      status: "pending",
      amount: 1_250,
      currency: "USD",
      rail: null,
      destination: to,
      crypto: { network: "local", asset: "USDC", amount: "12.5" },
      arrival_date: po.created_at.slice(0, 10),
    });
    const sent = await transfer(m, po.crypto?.transfer ?? "");
    expect(sent).toMatchObject({ status: "pending", nonce: null, to, source: { type: "payout", id: po.id } });
    // One reservation, the transfer's: the amount and the network fee's cap.
    expect(po.fee).toBe(sent.network_fee_reserved);
    expect(await usd(m)).toEqual({ available: 10_000 - 1_250 - po.fee, reserved: 1_250 + po.fee });
    const [count] = await query<{ n: number }>(
      "select count(*)::int as n from crypto_transfers where merchant_id = $1",
      [m.merchantId],
    );
    expect(count?.n).toBe(1);

    // The tracker takes a nonce and broadcasts; the batch follows: in transit.
    await trackLocalTransfers();
    expect((await transfer(m, sent.id)).status).toBe("broadcast");
    await runBatch(m);
    expect(await payout(m, po.id)).toMatchObject({ status: "in_transit" });

    // Confirmed at 6 blocks (its own and 5 more), still in transit until final (one block more).
    await chain.mine({ blocks: 5 });
    await trackLocalTransfers();
    const confirmed = await transfer(m, sent.id);
    expect(confirmed).toMatchObject({ status: "confirmed", finalized_at: null });
    await runBatch(m);
    expect((await payout(m, po.id)).status).toBe("in_transit");
    await chain.mine({ blocks: 1 });
    await trackLocalTransfers();
    expect((await transfer(m, sent.id)).finalized_at).not.toBeNull();
    await runBatch(m);
    const paid = await payout(m, po.id);
    const listed = await m.sandbox.request<{ data: Payout[] }>("GET", `/payouts?destination=${to}`);
    expect(listed.body.data.map((row) => row.id)).toEqual([po.id]);
    expect(paid).toMatchObject({ status: "paid", failed_at: null });
    expect(paid.paid_at).not.toBeNull();
    await runBatch(m);

    expect(await tokenBalance(to)).toBe(12_500_000n);
    const charged = confirmed.network_fee_charged ?? 0;
    expect(await usd(m)).toEqual({ available: 10_000 - 1_250 - charged, reserved: 0 });
    expect(await postings(m)).toEqual(["reserved", `sent`]);
    expect(await eventTypes(po.id)).toEqual(["payout.created", "payout.in_transit", "payout.paid"]);
    const status = await m.sandbox.request<{ status: string; timeline: Array<{ status: string }> }>(
      "GET",
      `/status/payouts/${po.id}`,
    );
    expect(status.body.status).toBe("paid");
    expect(status.body.timeline.map((step) => step.status)).toEqual(["pending", "in_transit", "paid"]);

    // Another merchant sees none of it.
    const other = await createMerchant();
    expectError(await other.sandbox.request("GET", `/payouts/${po.id}`), 404, "resource_missing");
    expectError(await other.sandbox.request("POST", `/payouts/${po.id}/cancel`), 404, "resource_missing");
    expect((await other.sandbox.request<{ data: unknown[] }>("GET", "/payouts")).body.data).toEqual([]);
    expect((await other.sandbox.request("GET", `/status/payouts/${po.id}`)).status).toBe(404);
  }, 120_000);

  it("a send that fails on chain fails the payout and releases the funds exactly once", async () => {
    const m = await createMerchant();
    await fundUsd(m, 500_000);
    const to = recipient();
    // More USDC than the hot wallet holds: the token's transfer reverts.
    const created = await m.sandbox.request<Payout>("POST", "/payouts", walletPayout(to, "2000"));
    expect(created.status, created.text).toBe(200);
    await trackLocalTransfers();
    await runBatch(m);
    expect((await payout(m, created.body.id)).status).toBe("in_transit");
    await chain.mine({ blocks: 6 });
    await trackLocalTransfers();
    expect((await transfer(m, created.body.crypto?.transfer ?? "")).status).toBe("failed");
    await runBatch(m);
    await runBatch(m);
    expect(await payout(m, created.body.id)).toMatchObject({
      status: "failed",
      failure_code: "crypto_transfer_failed",
      failure_message: "The transaction reverted.",
    });
    expect(await usd(m)).toEqual({ available: 500_000, reserved: 0 });
    expect(await postings(m)).toEqual(["reserved", "released"]);
    expect(await tokenBalance(to)).toBe(0n);
    expect(await eventTypes(created.body.id)).toEqual([
      "payout.created",
      "payout.in_transit",
      "payout.failed",
    ]);
  }, 120_000);

  it("a reorg of the confirmed send before it is final keeps the payout in transit; it is paid once, after the send again", async () => {
    const m = await createMerchant();
    await fundUsd(m, 1_000);
    const to = recipient();
    const snapshot = await chain.snapshot();
    const created = await m.sandbox.request<Payout>("POST", "/payouts", walletPayout(to, "2"));
    expect(created.status, created.text).toBe(200);
    const transferId = created.body.crypto?.transfer ?? "";
    await trackLocalTransfers();
    await chain.mine({ blocks: 5 });
    await trackLocalTransfers();
    expect(await transfer(m, transferId)).toMatchObject({ status: "confirmed", finalized_at: null });
    await runBatch(m);
    expect((await payout(m, created.body.id)).status).toBe("in_transit");

    // The chain forgets the send's block before it is final and grows on another branch.
    await chain.revert({ id: snapshot });
    const latest = await chain.getBlock();
    await chain.setNextBlockTimestamp({ timestamp: latest.timestamp + 1_000n });
    await chain.mine({ blocks: 2 });
    await trackLocalTransfers();
    expect((await transfer(m, transferId)).status).toBe("broadcast");
    await runBatch(m);
    expect((await payout(m, created.body.id)).status).toBe("in_transit");

    // Sent again, mined on the new branch, final: paid once, the coins arrived once.
    await chain.mine({ blocks: 5 });
    await trackLocalTransfers();
    await chain.mine({ blocks: 1 });
    await trackLocalTransfers();
    expect((await transfer(m, transferId)).finalized_at).not.toBeNull();
    await runBatch(m);
    await runBatch(m);
    expect((await payout(m, created.body.id)).status).toBe("paid");
    expect(await tokenBalance(to)).toBe(2_000_000n);
    expect(await eventTypes(created.body.id)).toEqual(["payout.created", "payout.in_transit", "payout.paid"]);
  }, 120_000);

  it("cancels while nothing was sent (the transfer never broadcast), not after", async () => {
    const m = await createMerchant();
    await fundUsd(m, 10_000);
    const to = recipient();
    const created = await m.sandbox.request<Payout>("POST", "/payouts", walletPayout(to, "3"));
    expect(created.status, created.text).toBe(200);
    const canceled = await m.sandbox.request<Payout>("POST", `/payouts/${created.body.id}/cancel`);
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.body).toMatchObject({ status: "canceled" });
    expect(await usd(m)).toEqual({ available: 10_000, reserved: 0 });

    // The tracker does not send a canceled transfer; the batch leaves the payout canceled.
    await trackLocalTransfers();
    await chain.mine({ blocks: 7 });
    await trackLocalTransfers();
    await runBatch(m);
    const stopped = await transfer(m, created.body.crypto?.transfer ?? "");
    expect(stopped).toMatchObject({ status: "failed", nonce: null, transaction_hash: null });
    expect((await payout(m, created.body.id)).status).toBe("canceled");
    expect(await tokenBalance(to)).toBe(0n);
    expect(await postings(m)).toEqual(["reserved", "released"]);
    expect(await eventTypes(created.body.id)).toEqual(["payout.created", "payout.canceled"]);
    expectError(
      await m.sandbox.request("POST", `/payouts/${created.body.id}/cancel`),
      409,
      "payout_not_cancelable",
    );
    // A tracker run that read the transfer as pending just before the cancel takes no nonce for it.
    const [row] = await services.db.select().from(cryptoTransfers).where(eq(cryptoTransfers.id, stopped.id));
    if (!row) throw new Error("the canceled transfer is gone");
    const taken = await execute(
      assignNonceStatement(services, { ...row, status: "pending" }, 0),
      services.db,
    );
    expect(taken.rows).toEqual([]);

    // Once the tracker took a nonce and broadcast, it is too late.
    const sent = await m.sandbox.request<Payout>("POST", "/payouts", walletPayout(to, "1"));
    await trackLocalTransfers();
    expectError(
      await m.sandbox.request("POST", `/payouts/${sent.body.id}/cancel`),
      409,
      "payout_not_cancelable",
    );
    expect((await payout(m, sent.body.id)).status).toBe("pending");
    await runBatch(m);
    expect((await payout(m, sent.body.id)).status).toBe("in_transit");
  }, 120_000);

  it("refuses bad input with catalog codes, nothing reserved", async () => {
    const m = await createMerchant();
    await fundUsd(m, 1_000);
    const to = recipient();
    const lower = to.toLowerCase();
    const flipped =
      lower === to
        ? to
        : `0x${to
            .slice(2)
            .toLowerCase()
            .replace(/[a-f]/, (c) => c.toUpperCase())}`;
    const create = (body: Record<string, unknown>) => m.sandbox.request("POST", "/payouts", body);

    expectError(await create(walletPayout(flipped, "1")), 400, "parameter_invalid");
    expectError(await create(walletPayout("0x1234", "1")), 400, "parameter_invalid");
    expectError(await create({ ...walletPayout(to, "1"), network: "dogechain" }), 400, "parameter_invalid");
    expectError(await create({ ...walletPayout(to, "1"), asset: "USDT" }), 400, "crypto_asset_unsupported");
    expectError(
      await create({ destination: to, asset: "USDC", asset_amount: "1" }),
      400,
      "parameter_missing",
    );
    expectError(await create({ ...walletPayout(to, "1"), amount: 100 }), 400, "parameter_invalid");
    expectError(
      await create({ ...walletPayout(to, "1"), test_clock: "clock_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
      400,
      "parameter_invalid",
    );
    expectError(await create(walletPayout(to, "1.0000001")), 400, "amount_invalid");
    expectError(await create(walletPayout(zeroAddress, "1")), 400, "payout_destination_unsupported");
    expectError(await create(walletPayout(LOCAL_HOT_WALLET, "1")), 400, "payout_destination_unsupported");
    expectError(await create(walletPayout(to, "50")), 402, "insufficient_funds");

    expect(await usd(m)).toEqual({ available: 1_000, reserved: 0 });
    expect(await postings(m)).toEqual([]);
    const [rows] = await query<{ payouts: number; transfers: number }>(
      `select (select count(*) from payouts where merchant_id = $1)::int as payouts,
              (select count(*) from crypto_transfers where merchant_id = $1)::int as transfers`,
      [m.merchantId],
    );
    expect(rows).toEqual({ payouts: 0, transfers: 0 });
  }, 120_000);

  it("production: gated by KYB like a bank payout, then refuses a network production does not have", async () => {
    const m = await createMerchant();
    const body = walletPayout(recipient(), "1");
    expectError(await m.production.request("POST", "/payouts", body), 403, "account_verification_required");
    const business = await createBusiness(m, "production");
    const owner = await addPerson(m, "production", business.id, "Ada", {
      ownership_percent: 100,
      director: true,
      title: "CEO",
    });
    await upload(m.production, business.id, "register_extract");
    const submitted = await m.production.request("POST", `/business_verifications/${business.id}/submit`);
    expect(submitted.status, submitted.text).toBe(200);
    await submit(m.production, owner.id);
    expect((await settled(m.production, owner.id)).status).toBe("approved");
    expectError(await m.production.request("POST", "/payouts", body), 400, "crypto_network_unsupported");
  }, 120_000);
});
