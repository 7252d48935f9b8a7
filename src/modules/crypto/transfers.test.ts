import { erc20Abi, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import type { CryptoTransfer } from "./schemas";

let node: HardhatNode;
let chain: ChainClient;

const USDC = (whole: number) => BigInt(Math.round(whole * 1_000_000));

beforeAll(async () => {
  ({ node, client: chain } = await startLocalChain());
  // The hot wallet holds 10,000 test USDC (and hardhat's 10,000 ETH).
  await sendToken(chain, LOCAL_HOT_WALLET, USDC(10_000));
}, LOCAL_CHAIN_WAIT_MS);

afterAll(async () => {
  await node?.close();
});

const recipient = () => privateKeyToAccount(generatePrivateKey()).address;

/** Wei of ETH in USD cents at the sandbox's 3000 USD, rounded up: the documented fee rule. */
const feeCents = (wei: bigint) => Number((wei * 3_000n * 100n + 10n ** 18n - 1n) / 10n ** 18n);

/** What creation reserves for the fee: gas limit × fee cap. */
const feeReserve = (sent: CryptoTransfer) => feeCents(BigInt(sent.gas_limit) * BigInt(sent.fee_cap_per_gas));

/** What the receipt costs: gas used × effective gas price, read from the chain itself. */
async function receiptFee(hash: string | null): Promise<{ wei: bigint; cents: number; block: string }> {
  const receipt = await chain.getTransactionReceipt({ hash: hash as Hex });
  const wei = receipt.gasUsed * receipt.effectiveGasPrice;
  return { wei, cents: feeCents(wei), block: receipt.blockHash };
}

/** The address with one letter's case flipped: still hex, but its EIP-55 checksum no longer holds. */
function wrongChecksum(address: string): string {
  const at = address.slice(2).search(/[a-fA-F]/) + 2;
  const letter = address.charAt(at);
  const flipped = letter === letter.toUpperCase() ? letter.toLowerCase() : letter.toUpperCase();
  return `${address.slice(0, at)}${flipped}${address.slice(at + 1)}`;
}

async function fundUsd(m: TestMerchant, cents: number): Promise<void> {
  const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount: cents,
    currency: "USD",
    method: "ach",
  });
  expect(deposit.status).toBe(200);
  const received = await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
  expect(received.status).toBe(200);
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

async function postings(transferId: string): Promise<string[]> {
  const rows = await query<{ source: string }>(
    "select source from ledger_transactions where source_object_id = $1 order by created_at, source",
    [transferId],
  );
  return rows.map((row) => row.source.split(":")[2] ?? row.source);
}

async function eventTypes(transferId: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at",
    [transferId],
  );
  return rows.map((row) => row.type);
}

async function transfer(m: TestMerchant, id: string): Promise<CryptoTransfer> {
  const read = await m.sandbox.request<CryptoTransfer>("GET", `/crypto/transfers/${id}`);
  expect(read.status).toBe(200);
  return read.body;
}

/** Tracks until nothing is left to broadcast, then mines the confirmations and tracks again. */
async function settleAll(m: TestMerchant, ids: string[]): Promise<CryptoTransfer[]> {
  for (let run = 0; run < 5; run += 1) {
    const report = await trackLocalTransfers();
    if (report.broadcast === 0) break;
  }
  await chain.mine({ blocks: 6 });
  await trackLocalTransfers();
  return Promise.all(ids.map((id) => transfer(m, id)));
}

async function hotWalletNonce(): Promise<number | undefined> {
  const [row] = await query<{ next_nonce: string }>(
    "select next_nonce from crypto_hot_wallets where chain = 'local' and address = $1",
    [LOCAL_HOT_WALLET],
  );
  return row ? Number(row.next_nonce) : undefined;
}

describe("crypto transfers from the hot wallet", () => {
  it("sends USDC: reserves its value, broadcasts, and settles once on its receipt after N blocks", async () => {
    const m = await createMerchant();
    await fundUsd(m, 10_000);
    const to = recipient();
    const body = { network: "local", asset: "USDC", to, amount: "12.345678" };
    const created = await m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", body, {
      "idempotency-key": `send-${to}`,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: "crypto_transfer",
      status: "broadcast",
      network: "local",
      chain: { key: "local", id: 31337 },
      asset: "USDC",
      amount: "12345678",
      amount_decimal: "12.345678",
      from: LOCAL_HOT_WALLET,
      to,
      // 12.345678 USD rounded up: the balance covers what leaves the wallet.
      fiat_amount: 1235,
      fiat_currency: "USD",
      rate: "1",
    });
    expect(created.body.nonce).toEqual(expect.any(Number));
    expect(created.body.attempts).toHaveLength(1);
    const reservedFee = feeReserve(created.body);
    expect(reservedFee).toBeGreaterThan(0);
    expect(created.body).toMatchObject({
      gas_limit: 100_000,
      network_fee_rate: "3000",
      network_fee_reserved: reservedFee,
      network_fee_charged: null,
    });

    const replay = await m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", body, {
      "idempotency-key": `send-${to}`,
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(created.body.id);
    const listed = await m.sandbox.request<{ data: CryptoTransfer[] }>("GET", "/crypto/transfers");
    expect(listed.body.data.map((row) => row.id)).toEqual([created.body.id]);

    // The amount's value and the most the network fee can cost are reserved.
    expect(await usd(m)).toEqual({ available: 10_000 - 1235 - reservedFee, reserved: 1235 + reservedFee });
    expect(await tokenBalance(to)).toBe(12_345_678n);

    // Mined, but one confirmation of the local chain's six: still broadcast.
    await trackLocalTransfers();
    expect((await transfer(m, created.body.id)).status).toBe("broadcast");

    await chain.mine({ blocks: 5 });
    await trackLocalTransfers();
    await trackLocalTransfers();
    const confirmed = await transfer(m, created.body.id);
    expect(confirmed).toMatchObject({ status: "confirmed", transaction_hash: created.body.transaction_hash });
    expect(confirmed.block_number).toEqual(expect.any(Number));
    const fee = await receiptFee(confirmed.transaction_hash);
    expect(confirmed).toMatchObject({
      network_fee: fee.wei.toString(),
      network_fee_charged: fee.cents,
      block_hash: fee.block,
      finalized_at: null,
    });
    expect(fee.cents).toBeLessThanOrEqual(reservedFee);
    // The fee actually paid is charged; the rest of its reservation is back in available.
    expect(await usd(m)).toEqual({ available: 10_000 - 1235 - fee.cents, reserved: 0 });
    expect(await postings(created.body.id)).toEqual(["reserved", "sent"]);
    // One block later its block is final by the local chain's rule (6 blocks): no longer watched.
    await chain.mine({ blocks: 1 });
    await trackLocalTransfers();
    expect((await transfer(m, created.body.id)).finalized_at).not.toBeNull();
    expect(await usd(m)).toEqual({ available: 10_000 - 1235 - fee.cents, reserved: 0 });
    expect(await eventTypes(created.body.id)).toEqual([
      "crypto.transfer.created",
      "crypto.transfer.broadcast",
      "crypto.transfer.confirmed",
    ]);
  });

  it("a confirmed send whose block a reorg removes goes back to broadcast with its nonce, is sent again and settles once per block", async () => {
    const m = await createMerchant();
    await fundUsd(m, 1_000);
    const to = recipient();
    const snapshot = await chain.snapshot();
    const created = await m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", {
      network: "local",
      asset: "USDC",
      to,
      amount: "3",
    });
    expect(created.body.status).toBe("broadcast");
    const reservedFee = created.body.network_fee_reserved;
    await chain.mine({ blocks: 5 });
    await trackLocalTransfers();
    const confirmed = await transfer(m, created.body.id);
    const first = await receiptFee(confirmed.transaction_hash);
    expect(confirmed).toMatchObject({ status: "confirmed", block_hash: first.block, finalized_at: null });
    expect(await usd(m)).toEqual({ available: 700 - first.cents, reserved: 0 });

    // The chain forgets the transfer's block (6 deep, final only at 7) and grows on another branch.
    await chain.revert({ id: snapshot });
    const latest = await chain.getBlock();
    await chain.setNextBlockTimestamp({ timestamp: latest.timestamp + 1_000n });
    await chain.mine({ blocks: 2 });
    await trackLocalTransfers();
    const back = await transfer(m, created.body.id);
    expect(back).toMatchObject({
      status: "broadcast",
      nonce: created.body.nonce,
      transaction_hash: created.body.transaction_hash,
      block_hash: null,
      network_fee_charged: null,
      confirmed_at: null,
    });
    // The settlement is undone: the amount and the whole fee reservation are reserved again.
    expect(await usd(m)).toEqual({ available: 700 - reservedFee, reserved: 300 + reservedFee });

    // Broadcast again (the same signed bytes), it is mined on the new branch and settles there, once.
    await chain.mine({ blocks: 5 });
    await trackLocalTransfers();
    const again = await transfer(m, created.body.id);
    const second = await receiptFee(again.transaction_hash);
    expect(again).toMatchObject({
      status: "confirmed",
      transaction_hash: created.body.transaction_hash,
      block_hash: second.block,
      network_fee_charged: second.cents,
    });
    expect(second.block).not.toBe(first.block);
    expect(await tokenBalance(to)).toBe(USDC(3));
    await chain.mine({ blocks: 1 });
    await trackLocalTransfers();
    await trackLocalTransfers();
    expect((await transfer(m, created.body.id)).finalized_at).not.toBeNull();
    expect(await usd(m)).toEqual({ available: 700 - second.cents, reserved: 0 });
    expect(await postings(created.body.id)).toEqual(["reserved", "sent", "reorged", "sent"]);
    expect(await eventTypes(created.body.id)).toEqual([
      "crypto.transfer.created",
      "crypto.transfer.broadcast",
      "crypto.transfer.confirmed",
      "crypto.transfer.reorged",
      "crypto.transfer.confirmed",
    ]);
  });

  it("a reorg's take-back of the released fee comes from pending when available can't cover it", async () => {
    const m = await createMerchant();
    await fundUsd(m, 1_000);
    const snapshot = await chain.snapshot();
    const created = await m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", {
      network: "local",
      asset: "USDC",
      to: recipient(),
      amount: "3",
    });
    const reservedFee = created.body.network_fee_reserved;
    await chain.mine({ blocks: 5 });
    await trackLocalTransfers();
    const confirmed = await transfer(m, created.body.id);
    expect(confirmed.status).toBe("confirmed");
    const charged = confirmed.network_fee_charged ?? 0;
    const released = reservedFee - charged;
    expect(released).toBeGreaterThan(0);

    // A second send, kept in the mempool, reserves all that is left (same gas limit and cap: same fee reserve).
    const spend = 700 - charged - reservedFee;
    await chain.setAutomine(false);
    try {
      const drain = await m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", {
        network: "local",
        asset: "USDC",
        to: recipient(),
        amount: (spend / 100).toFixed(2),
        max_fee_per_gas: confirmed.fee_cap_per_gas,
      });
      expect(drain.body).toMatchObject({ status: "broadcast", network_fee_reserved: reservedFee });
      expect(await usd(m)).toEqual({ available: 0, reserved: spend + reservedFee });
      await chain.revert({ id: snapshot });
    } finally {
      await chain.setAutomine(true);
    }
    const latest = await chain.getBlock();
    await chain.setNextBlockTimestamp({ timestamp: latest.timestamp + 1_000n });
    await chain.mine({ blocks: 2 });
    await trackLocalTransfers();
    expect((await transfer(m, created.body.id)).status).toBe("broadcast");
    const balance = await m.sandbox.request<{ available: number; pending: number; reserved: number }>(
      "GET",
      "/balances/USD",
    );
    expect(balance.body).toMatchObject({
      available: 0,
      pending: -released,
      reserved: 300 + reservedFee + spend + reservedFee,
    });

    // Both settle (the dropped second one replaced once stuck); what the merchant paid is exact.
    await chain.mine({ blocks: 5 });
    await trackLocalTransfers();
    await trackLocalTransfers(3_600);
    await chain.mine({ blocks: 6 });
    await trackLocalTransfers();
    const rows = (await m.sandbox.request<{ data: CryptoTransfer[] }>("GET", "/crypto/transfers")).body.data;
    expect(rows.map((row) => row.status)).toEqual(["confirmed", "confirmed"]);
    const fees = rows.reduce((sum, row) => sum + (row.network_fee_charged ?? 0), 0);
    const after = await m.sandbox.request<{ available: number; pending: number; reserved: number }>(
      "GET",
      "/balances/USD",
    );
    expect(after.body.reserved).toBe(0);
    expect(after.body.available + after.body.pending).toBe(1_000 - 300 - spend - fees);
    expect(await postings(created.body.id)).toEqual(["reserved", "sent", "reorged", "sent"]);
  });

  it("10 concurrent sends take 10 consecutive nonces and reserve exactly their sum", async () => {
    const m = await createMerchant();
    await fundUsd(m, 5_000);
    const to = recipient();
    const sends = await Promise.all(
      Array.from({ length: 10 }, () =>
        m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", {
          network: "local",
          asset: "USDC",
          to,
          amount: "1.5",
        }),
      ),
    );
    expect(sends.map((send) => send.status)).toEqual(Array(10).fill(200));
    const nonces = sends.map((send) => send.body.nonce ?? -1).sort((a, b) => a - b);
    expect(nonces).toEqual(Array.from({ length: 10 }, (_, i) => (nonces[0] ?? 0) + i));
    const reservedFees = sends.reduce((sum, send) => sum + send.body.network_fee_reserved, 0);
    expect(await usd(m)).toEqual({ available: 5_000 - 1_500 - reservedFees, reserved: 1_500 + reservedFees });

    // Sent out of order, a node refuses a nonce with a gap before it: the tracker sends those in order.
    const settled = await settleAll(
      m,
      sends.map((send) => send.body.id),
    );
    expect(settled.map((row) => row.status)).toEqual(Array(10).fill("confirmed"));
    expect(await tokenBalance(to)).toBe(USDC(15));
    let charged = 0;
    for (const row of settled) {
      const fee = await receiptFee(row.transaction_hash);
      expect(row.network_fee_charged).toBe(fee.cents);
      charged += fee.cents;
    }
    expect(await usd(m)).toEqual({ available: 3_500 - charged, reserved: 0 });
  });

  it("replaces a stuck transfer with the same nonce and both fees +10 %, and settles on the replacement", async () => {
    const m = await createMerchant();
    await fundUsd(m, 1_000);
    const to = recipient();
    await chain.setAutomine(false);
    try {
      const created = await m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", {
        network: "local",
        asset: "USDC",
        to,
        amount: "2",
      });
      expect(created.body.status).toBe("broadcast");
      // Not mined, but not stuck yet.
      expect((await trackLocalTransfers()).replaced).toBe(0);
      // An hour later it is: replaced once.
      expect(await trackLocalTransfers(3_600)).toMatchObject({ replaced: 1 });
      const replaced = await transfer(m, created.body.id);
      const [first, second] = replaced.attempts;
      expect(replaced.attempts).toHaveLength(2);
      expect(replaced.nonce).toBe(created.body.nonce);
      expect(replaced.transaction_hash).toBe(second?.transaction_hash);
      expect(BigInt(second?.max_fee_per_gas ?? 0) * 10n).toBeGreaterThanOrEqual(
        BigInt(first?.max_fee_per_gas ?? 0) * 11n,
      );
      expect(BigInt(second?.max_priority_fee_per_gas ?? 0) * 10n).toBeGreaterThanOrEqual(
        BigInt(first?.max_priority_fee_per_gas ?? 0) * 11n,
      );
      await chain.mine({ blocks: 1 });
    } finally {
      await chain.setAutomine(true);
    }
    await chain.mine({ blocks: 5 });
    await trackLocalTransfers();
    const [settled] = (await m.sandbox.request<{ data: CryptoTransfer[] }>("GET", "/crypto/transfers")).body
      .data;
    if (!settled) throw new Error("no transfer");
    expect(settled.status).toBe("confirmed");
    expect(settled.transaction_hash).toBe(settled.attempts[1]?.transaction_hash);
    // The first attempt never made it into a block; the coins left once.
    await expect(
      chain.getTransactionReceipt({ hash: settled.attempts[0]?.transaction_hash as Hex }),
    ).rejects.toThrow();
    expect(await tokenBalance(to)).toBe(USDC(2));
    expect(await postings(settled.id)).toEqual(["reserved", "sent"]);
    expect(await eventTypes(settled.id)).toContain("crypto.transfer.replaced");
    // The replacement's fee is the one charged.
    const fee = await receiptFee(settled.attempts[1]?.transaction_hash ?? null);
    expect(settled.network_fee_charged).toBe(fee.cents);
    expect(await usd(m)).toEqual({ available: 800 - fee.cents, reserved: 0 });
  });

  it("a transfer that reverts fails and releases its reservation exactly once; a native send is valued at its price", async () => {
    const m = await createMerchant();
    await fundUsd(m, 2_000_000);
    // More USDC than the hot wallet holds: the token's transfer reverts on chain.
    const reverting = await m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", {
      network: "local",
      asset: "USDC",
      to: recipient(),
      amount: "15000",
    });
    const to = recipient();
    const native = await m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", {
      network: "local",
      asset: "native",
      to,
      amount: "0.001",
    });
    // 0.001 ETH at the sandbox's 3000 USD.
    expect(native.body).toMatchObject({ fiat_amount: 300, rate: "3000", contract: null, gas_limit: 21_000 });
    const reservedFees = feeReserve(reverting.body) + feeReserve(native.body);
    expect(await usd(m)).toEqual({
      available: 2_000_000 - 1_500_000 - 300 - reservedFees,
      reserved: 1_500_300 + reservedFees,
    });

    const [failed, sent] = await settleAll(m, [reverting.body.id, native.body.id]);
    await trackLocalTransfers();
    expect(failed).toMatchObject({ status: "failed", failure_reason: "The transaction reverted." });
    expect(sent?.status).toBe("confirmed");
    expect(await chain.getBalance({ address: to })).toBe(10n ** 15n);
    expect(await postings(reverting.body.id)).toEqual(["reserved", "released"]);
    // A send that delivered nothing is charged no fee; the native one pays its own.
    expect(failed?.network_fee_charged).toBeNull();
    const nativeFee = await receiptFee(sent?.transaction_hash ?? null);
    expect(sent?.network_fee_charged).toBe(nativeFee.cents);
    // Refused out of order by the node, it may be sent and settled by the tracker without a broadcast event.
    const types = await eventTypes(reverting.body.id);
    expect(types.filter((type) => type === "crypto.transfer.failed")).toHaveLength(1);
    expect(types[0]).toBe("crypto.transfer.created");
    expect(await usd(m)).toEqual({ available: 2_000_000 - 300 - nativeFee.cents, reserved: 0 });
  });

  it("refuses bad input with its code, reserving nothing and taking no nonce", async () => {
    const m = await createMerchant();
    await fundUsd(m, 1_000);
    const to = recipient();
    const nonceBefore = await hotWalletNonce();
    const send = (body: Record<string, unknown>) =>
      m.sandbox.request("POST", "/crypto/transfers", {
        network: "local",
        asset: "USDC",
        to,
        amount: "1",
        ...body,
      });

    expectError(await send({ to: to.toLowerCase() }), 400, "parameter_invalid");
    expectError(await send({ to: wrongChecksum(to) }), 400, "parameter_invalid");
    expectError(await send({ to: "0x1234" }), 400, "parameter_invalid");
    expectError(await send({ asset: "USDT" }), 400, "crypto_asset_unsupported");
    expectError(await send({ amount: "1.0000001" }), 400, "amount_invalid");
    expectError(await send({ amount: "0" }), 400, "amount_invalid");
    expectError(await send({ amount: "-1" }), 400, "amount_invalid");
    expectError(await send({ max_fee_per_gas: "1" }), 422, "crypto_fee_cap_exceeded");
    expectError(await send({ amount: "10.01" }), 402, "insufficient_funds");
    expectError(
      await m.production.request("POST", "/crypto/transfers", {
        network: "local",
        asset: "USDC",
        to,
        amount: "1",
      }),
      400,
      "crypto_network_unsupported",
    );

    expect(await usd(m)).toEqual({ available: 1_000, reserved: 0 });
    const listed = await m.sandbox.request<{ data: CryptoTransfer[] }>("GET", "/crypto/transfers");
    expect(listed.body.data).toEqual([]);
    expect(await hotWalletNonce()).toBe(nonceBefore);
  });

  it("another merchant's transfer and the other environment's are 404", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    await fundUsd(m, 1_000);
    const created = await m.sandbox.request<CryptoTransfer>("POST", "/crypto/transfers", {
      network: "local",
      asset: "USDC",
      to: recipient(),
      amount: "1",
    });
    expect(created.status).toBe(200);
    expectError(
      await other.sandbox.request("GET", `/crypto/transfers/${created.body.id}`),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("GET", `/crypto/transfers/${created.body.id}`),
      404,
      "resource_missing",
    );
    const otherList = await other.sandbox.request<{ data: CryptoTransfer[] }>("GET", "/crypto/transfers");
    expect(otherList.body.data).toEqual([]);
    await settleAll(m, [created.body.id]);
  });
});
