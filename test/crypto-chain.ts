import { readFileSync } from "node:fs";
import { type Abi, createTestClient, type Hex, http, publicActions, walletActions } from "viem";
import { hardhat } from "viem/chains";
import { inject } from "vitest";
import { type HardhatNode, startHardhatNode } from "../scripts/hardhat-node";
import { baseUrl } from "./harness";
import { LOCAL_TEST_TOKEN } from "./stack";

const artifact = JSON.parse(
  readFileSync(new URL("./fixtures/erc20/TestToken.json", import.meta.url), "utf8"),
) as {
  abi: Abi;
  bytecode: Hex;
};

export const tokenAbi = artifact.abi;

/** Hardhat's first funded account (its node unlocks it): deploys the token and pays. */
export const FUNDER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

export type ChainClient = ReturnType<typeof chainClient>;

function chainClient(url: string) {
  return createTestClient({ mode: "hardhat", chain: hardhat, transport: http(url), account: FUNDER })
    .extend(publicActions)
    .extend(walletActions);
}

/**
 * Starts hardhat's node where the test stack pointed the Worker's local chain, and deploys the test
 * USDC (6 decimals) as the node's first transaction, at the address the Worker was told.
 */
export async function startLocalChain(): Promise<{ node: HardhatNode; client: ChainClient }> {
  const url = inject("localChainUrl");
  const node = await startHardhatNode(Number(new URL(url).port));
  const client = chainClient(url);
  const hash = await client.deployContract({
    abi: tokenAbi,
    bytecode: artifact.bytecode,
    args: ["USD Coin (test)", "USDC", 6, 10n ** 15n],
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.contractAddress?.toLowerCase() !== LOCAL_TEST_TOKEN.toLowerCase()) {
    await node.close();
    throw new Error(`test token deployed at ${receipt.contractAddress}, expected ${LOCAL_TEST_TOKEN}`);
  }
  return { node, client };
}

export async function sendToken(client: ChainClient, to: Hex, amount: bigint): Promise<Hex> {
  const hash = await client.writeContract({
    address: LOCAL_TEST_TOKEN,
    abi: tokenAbi,
    functionName: "transfer",
    args: [to, amount],
  });
  await client.waitForTransactionReceipt({ hash });
  return hash;
}

export interface LocalPollReport {
  head: number;
  detected: number;
  confirmed: number;
  dropped: number;
  reversed: number;
  reorged_blocks: number;
}

/**
 * Runs deposit-poll through the cron route, each time in a window of its own. Another test file's
 * cron run may hold the chain's poll lock for a moment: then it asks again.
 */
export async function pollLocalChain(): Promise<LocalPollReport> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const slot = Date.UTC(2004, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000;
    const response = await fetch(
      `${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${slot}`,
    );
    const body = (await response.json()) as {
      outcomes: Array<{ status: string; result?: { chains?: Record<string, unknown> }; error?: string }>;
    };
    const outcome = body.outcomes.find((candidate) => candidate.result?.chains !== undefined);
    const report = outcome?.result?.chains?.local as
      | (LocalPollReport & { skipped?: string; error?: string })
      | undefined;
    if (report?.error) throw new Error(`deposit-poll failed on the local chain: ${report.error}`);
    if (report && !report.skipped) return report;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("deposit-poll never ran on the local chain");
}
