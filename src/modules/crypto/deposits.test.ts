import { type Hex, parseEther } from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
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
import { chains } from "./networks";
import { chainClient } from "./rpc";
import type { CryptoAddress, CryptoDeposit } from "./schemas";

let node: HardhatNode;
let chain: ChainClient;

beforeAll(async () => {
  ({ node, client: chain } = await startLocalChain());
}, LOCAL_CHAIN_WAIT_MS);

afterAll(async () => {
  await node?.close();
});

const USDC = (whole: number) => BigInt(Math.round(whole * 1_000_000));

async function depositAddress(m: TestMerchant, asset = "USDC"): Promise<Hex> {
  const cus = await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Vitalik" });
  const created = await m.sandbox.request<CryptoAddress>("POST", "/crypto/addresses", {
    customer: cus.body.id,
    network: "local",
    asset,
  });
  expect(created.status).toBe(200);
  return created.body.address as Hex;
}

async function deposits(m: TestMerchant): Promise<CryptoDeposit[]> {
  const listed = await m.sandbox.request<{ data: CryptoDeposit[] }>("GET", "/crypto/deposits");
  expect(listed.status).toBe(200);
  return listed.body.data;
}

async function availableUsd(m: TestMerchant): Promise<number> {
  const balance = await m.sandbox.request<{ available: number }>("GET", "/balances/USD");
  return balance.body.available;
}

async function postings(depositId: string): Promise<string[]> {
  const rows = await query<{ source: string }>(
    "select source from ledger_transactions where source_object_id = $1 order by created_at",
    [depositId],
  );
  return rows.map((row) => row.source);
}

async function eventTypes(depositId: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    // Confirmed and credited are one statement and may share a timestamp: then in lifecycle order.
    `select type from events where object_id = $1
      order by created_at, array_position(array['crypto.deposit.detected', 'crypto.deposit.confirmed',
        'crypto.deposit.credited', 'crypto.deposit.reversed', 'crypto.deposit.dropped'], type)`,
    [depositId],
  );
  return rows.map((row) => row.type);
}

describe("crypto deposits on the local chain", () => {
  it("detects an ERC-20 transfer, counts confirmations and credits it once after N blocks", async () => {
    const m = await createMerchant();
    const address = await depositAddress(m);
    const hash = await sendToken(chain, address, USDC(25.5));

    await pollLocalChain();
    let [deposit] = await deposits(m);
    expect(deposit).toMatchObject({
      object: "crypto_deposit",
      status: "detected",
      network: "local",
      chain: { key: "local", id: 31337 },
      asset: "USDC",
      amount: "25500000",
      amount_decimal: "25.5",
      to: address,
      transaction_hash: hash,
      confirmations: 1,
      required_confirmations: 6,
      fiat_amount: null,
    });
    if (!deposit) throw new Error("no deposit");
    expect(await availableUsd(m)).toBe(0);

    await chain.mine({ blocks: 3 });
    await pollLocalChain();
    [deposit] = await deposits(m);
    expect(deposit).toMatchObject({ status: "confirming", confirmations: 4 });

    await chain.mine({ blocks: 2 });
    await pollLocalChain();
    [deposit] = await deposits(m);
    expect(deposit).toMatchObject({
      status: "credited",
      confirmations: 6,
      fiat_amount: 2550,
      fiat_currency: "USD",
      rate: "1",
    });
    expect(await availableUsd(m)).toBe(2550);

    // Polling again, and twice at once, credits nothing more.
    await pollLocalChain();
    await Promise.all([pollLocalChain(), pollLocalChain()]);
    expect(await deposits(m)).toHaveLength(1);
    expect(await availableUsd(m)).toBe(2550);
    const id = deposit?.id ?? "";
    expect(await postings(id)).toEqual([`crypto_deposit:${id}:credited`]);
    expect(await eventTypes(id)).toEqual([
      "crypto.deposit.detected",
      "crypto.deposit.confirmed",
      "crypto.deposit.credited",
    ]);
    expect((await m.sandbox.request("GET", `/crypto/deposits/${id}`)).body).toEqual(deposit);
  });

  it("credits native transfers at the sandbox reference price", async () => {
    const m = await createMerchant();
    const address = await depositAddress(m, "native");
    await chain.sendTransaction({ to: address, value: parseEther("0.5") });
    await pollLocalChain();
    await chain.mine({ blocks: 5 });
    await pollLocalChain();
    const [deposit] = await deposits(m);
    expect(deposit).toMatchObject({
      asset: "native",
      contract: null,
      log_index: -1,
      amount: "500000000000000000",
      status: "credited",
      fiat_amount: 150_000,
      rate: "3000",
    });
    expect(await availableUsd(m)).toBe(150_000);
  });

  it("applies the merchant's confirmation threshold of the deposit's amount tier", async () => {
    const m = await createMerchant();
    const tiers = await m.sandbox.request("POST", "/crypto/networks/local/confirmation_tiers", {
      tiers: [
        { min_amount: 0, confirmations: 2 },
        { min_amount: 100_000, confirmations: 4 },
      ],
    });
    expect(tiers.status).toBe(200);
    const address = await depositAddress(m);
    await sendToken(chain, address, USDC(10));
    await sendToken(chain, address, USDC(2000));
    await pollLocalChain();
    const byAmount = async () =>
      Object.fromEntries((await deposits(m)).map((deposit) => [deposit.amount_decimal, deposit]));
    let seen = await byAmount();
    expect(seen["10"]?.required_confirmations).toBe(2);
    expect(seen["2000"]?.required_confirmations).toBe(4);

    await chain.mine({ blocks: 1 });
    await pollLocalChain();
    seen = await byAmount();
    expect(seen["10"]?.status).toBe("credited");
    expect(seen["2000"]).toMatchObject({ status: "confirming", confirmations: 2 });
    expect(await availableUsd(m)).toBe(1000);

    await chain.mine({ blocks: 2 });
    await pollLocalChain();
    seen = await byAmount();
    expect(seen["2000"]?.status).toBe("credited");
    expect(await availableUsd(m)).toBe(201_000);
  });

  it("reverses a credited deposit whose block a reorg removed, exactly once, and drops an uncredited one", async () => {
    const m = await createMerchant();
    await m.sandbox.request("POST", "/crypto/networks/local/confirmation_tiers", {
      tiers: [{ min_amount: 0, confirmations: 2 }],
    });
    const address = await depositAddress(m);
    await pollLocalChain();
    const snapshot = await chain.snapshot();
    await sendToken(chain, address, USDC(7));
    await chain.mine({ blocks: 1 });
    await pollLocalChain();
    await pollLocalChain();
    await sendToken(chain, address, USDC(3));
    await pollLocalChain();
    const before = Object.fromEntries(
      (await deposits(m)).map((deposit) => [deposit.amount_decimal, deposit]),
    );
    expect(before["7"]?.status).toBe("credited");
    expect(before["3"]?.status).toBe("detected");
    expect(await availableUsd(m)).toBe(700);

    // The chain forgets both transfers and grows longer on another branch.
    await chain.revert({ id: snapshot });
    const latest = await chain.getBlock();
    await chain.setNextBlockTimestamp({ timestamp: latest.timestamp + 1_000n });
    await chain.mine({ blocks: 4 });
    const report = await pollLocalChain();
    expect(report.reorged_blocks).toBeGreaterThan(0);

    const after = Object.fromEntries((await deposits(m)).map((deposit) => [deposit.amount_decimal, deposit]));
    expect(after["7"]?.status).toBe("reversed");
    expect(after["3"]?.status).toBe("dropped");
    expect(await availableUsd(m)).toBe(0);

    await pollLocalChain();
    await pollLocalChain();
    const id = after["7"]?.id ?? "";
    expect(await postings(id)).toEqual([`crypto_deposit:${id}:credited`, `crypto_deposit:${id}:reversed`]);
    expect(await eventTypes(id)).toEqual([
      "crypto.deposit.detected",
      "crypto.deposit.confirmed",
      "crypto.deposit.credited",
      "crypto.deposit.reversed",
    ]);
    expect(await eventTypes(after["3"]?.id ?? "")).toEqual([
      "crypto.deposit.detected",
      "crypto.deposit.dropped",
    ]);
    expect(await availableUsd(m)).toBe(0);
  });

  it("keeps deposits to each merchant and environment (404 elsewhere)", async () => {
    const [a, b] = await Promise.all([createMerchant(), createMerchant()]);
    await sendToken(chain, await depositAddress(a), USDC(1));
    await pollLocalChain();
    const [deposit] = await deposits(a);
    expect(deposit?.id).toMatch(/^cdep_/);
    expectError(await b.sandbox.request("GET", `/crypto/deposits/${deposit?.id}`), 404, "resource_missing");
    expectError(
      await a.production.request("GET", `/crypto/deposits/${deposit?.id}`),
      404,
      "resource_missing",
    );
    expect(await deposits(b)).toEqual([]);
  });

  it("fails over to the next RPC URL when the first is down", async () => {
    const urls = JSON.parse(inject("workerEnv").CRYPTO_RPC_URLS ?? "{}") as { local: string[] };
    const [down, up] = urls.local;
    await expect(fetch(down ?? "", { method: "POST" })).rejects.toThrow();
    const local = chains.find((candidate) => candidate.key === "local");
    if (!local || !up) throw new Error("no local chain");
    const client = chainClient(urls.local, local, 10_000);
    expect(await client.getChainId()).toBe(hardhat.id);
    expect(Number(await client.getBlockNumber())).toBe(Number(await chain.getBlockNumber()));
    // Every poll of these tests went through the same list: the Worker failed over each time.
  });
});
