import type { Hex } from "viem";
import { inject } from "vitest";
import {
  deployTestToken,
  type HardhatNode,
  LOCAL_TEST_TOKEN,
  localChainClient,
  startHardhatNode,
  testTokenAbi,
} from "../scripts/hardhat-node";
import { baseUrl } from "./harness";

export type ChainClient = ReturnType<typeof localChainClient>;

/**
 * Starts hardhat's node where the test stack pointed the Worker's local chain, and deploys the test
 * USDC at the address the Worker was told.
 */
export async function startLocalChain(): Promise<{ node: HardhatNode; client: ChainClient }> {
  const url = inject("localChainUrl");
  const node = await startHardhatNode(Number(new URL(url).port));
  try {
    await deployTestToken(url);
  } catch (error) {
    await node.close();
    throw error;
  }
  return { node, client: localChainClient(url) };
}

export async function sendToken(client: ChainClient, to: Hex, amount: bigint): Promise<Hex> {
  const hash = await client.writeContract({
    address: LOCAL_TEST_TOKEN,
    abi: testTokenAbi,
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
