import type { Hex } from "viem";
import { LOCAL_HOT_WALLET } from "../scripts/hardhat-node";
import { pollLocalChain, sendToken, startLocalChain, trackLocalTransfers } from "./crypto-chain";

type Run = <T = Record<string, unknown>>(
  who: "sandbox" | "production" | "dashboard",
  method: string,
  path: string,
  body?: unknown,
) => Promise<T>;

/**
 * The crypto operations that need a chain, on the local one: a payment request and a real deposit
 * to its address (detected, listed and retrieved) and a transfer out of the hot wallet and a payout to a
 * wallet (created, listed, retrieved, then settled so no open transfer outlives this node).
 */
export async function cryptoChainFlows(run: Run, customer: string): Promise<void> {
  const { node, client } = await startLocalChain();
  try {
    const address = await run<{ address: Hex }>("sandbox", "POST", "/crypto/addresses", {
      customer,
      network: "local",
      asset: "USDC",
    });
    await run("sandbox", "POST", "/crypto/payments", {
      customer,
      network: "local",
      asset: "USDC",
      amount: "5",
    });
    await sendToken(client, address.address, 5_000_000n);
    await pollLocalChain();
    const deposits = await run<{ data: Array<{ id: string }> }>("sandbox", "GET", "/crypto/deposits");
    for (const deposit of deposits.data) await run("sandbox", "GET", `/crypto/deposits/${deposit.id}`);

    await sendToken(client, LOCAL_HOT_WALLET, 5_000_000n);
    const funding = await run<{ id: string }>("sandbox", "POST", "/funding/deposits", {
      amount: 1_000,
      currency: "USD",
      method: "ach",
    });
    await run("sandbox", "POST", `/sandbox/funding/deposits/${funding.id}/receive`);
    const transfer = await run<{ id: string }>("sandbox", "POST", "/crypto/transfers", {
      network: "local",
      asset: "USDC",
      to: address.address,
      amount: "1.25",
    });
    await run("sandbox", "GET", "/crypto/transfers");
    await run("sandbox", "GET", `/crypto/transfers/${transfer.id}`);
    // A payout to a wallet (EIP-55's own example address), sent by a transfer the tracker broadcasts.
    const payout = await run<{ id: string }>("sandbox", "POST", "/payouts", {
      destination: "0x52908400098527886E0F7030069857D2E4169EE7",
      network: "local",
      asset: "USDC",
      asset_amount: "0.5",
    });
    await run("sandbox", "GET", `/payouts/${payout.id}`);
    await trackLocalTransfers();
    await client.mine({ blocks: 6 });
    await trackLocalTransfers();
  } finally {
    await node.close();
  }
}
