import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hex } from "viem";
import { inject } from "vitest";
import {
  deployTestToken,
  type HardhatNode,
  LOCAL_HOT_WALLET,
  LOCAL_TEST_TOKEN,
  localChainClient,
  startHardhatNode,
  testTokenAbi,
} from "../scripts/hardhat-node";
import { emptyTrackReport, type TrackReport } from "../src/modules/crypto/service";
import { query } from "./db";
import { baseUrl } from "./harness";

/** How long a test file may wait for another one to finish with the local chain. */
export const LOCAL_CHAIN_WAIT_MS = 600_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One test file at a time has the local chain (it lives on one port, and a file's snapshots and
 * reverts must not undo another's transactions): a lock directory holding the owner's pid, taken
 * over when that process is gone.
 */
async function lockLocalChain(port: number): Promise<() => Promise<void>> {
  const lock = join(tmpdir(), `magnetpay-local-chain-${port}.lock`);
  const deadline = Date.now() + LOCAL_CHAIN_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "pid"), String(process.pid));
      return () => rm(lock, { recursive: true, force: true });
    } catch {
      const owner = Number(await readFile(join(lock, "pid"), "utf8").catch(() => "0"));
      if (owner > 0 && !alive(owner)) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`the local chain is still locked by ${owner}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export type ChainClient = ReturnType<typeof localChainClient>;

/**
 * Starts hardhat's node where the test stack pointed the Worker's local chain, and deploys the test
 * USDC at the address the Worker was told.
 */
export async function startLocalChain(): Promise<{ node: HardhatNode; client: ChainClient }> {
  const url = inject("localChainUrl");
  const port = Number(new URL(url).port);
  const unlock = await lockLocalChain(port);
  let started: HardhatNode | undefined;
  try {
    started = await startHardhatNode(port);
    await deployTestToken(url);
    const client = localChainClient(url);
    // The database outlives the node, which is a new chain from block 0: forget the blocks read from the last
    // one (else the poll takes the new blocks for a reorg below what it read), and start the hot wallet at the
    // nonce the Worker will hand out.
    await query("delete from crypto_blocks where chain = 'local'");
    // Transfers confirmed on the last node are final there: the new node's blocks are no reorg of them.
    await query(
      "update crypto_transfers set finalized_at = now() where chain = 'local' and status = 'confirmed' and finalized_at is null",
    );
    const [wallet] = await query<{ next_nonce: string }>(
      "select next_nonce from crypto_hot_wallets where chain = 'local' and address = $1",
      [LOCAL_HOT_WALLET],
    );
    if (wallet) await client.setNonce({ address: LOCAL_HOT_WALLET, nonce: Number(wallet.next_nonce) });
    const running = started;
    return {
      node: {
        url: running.url,
        close: () => running.close().finally(unlock),
      },
      client,
    };
  } catch (error) {
    await started?.close();
    await unlock();
    throw error;
  }
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
 * Runs deposit-poll alone (the development function route), each time in a window of its own, with the Worker's
 * clock `clockOffsetSeconds` ahead (payments expire by time passing). Another test file's
 * cron run may hold the chain's poll lock for a moment: then it asks again.
 */
export async function pollLocalChain(clockOffsetSeconds = 0): Promise<LocalPollReport> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const slot = Date.UTC(2004, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000;
    // deposit-poll alone, for the local chain: the whole every-minute cron at a random slot would also run
    // webhook-sweep and friends, whose republished backlog then delays other files' webhooks.
    const response = await fetch(`${baseUrl()}/internal/dev/functions/deposit-poll?time=${slot}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-test-clock-offset-seconds": String(clockOffsetSeconds),
      },
      body: JSON.stringify({ chain: "local" }),
    });
    const outcome = (await response.json()) as {
      status: string;
      result?: { chains?: Record<string, unknown> };
    };
    const report = outcome?.result?.chains?.local as
      | (LocalPollReport & { skipped?: string; error?: string })
      | undefined;
    if (report?.error) throw new Error(`deposit-poll failed on the local chain: ${report.error}`);
    if (report && !report.skipped) return report;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("deposit-poll never ran on the local chain");
}

/**
 * Runs crypto-transfer-track alone (the development function route) in a window of its own, with the Worker's clock
 * `clockOffsetSeconds` ahead (a stuck transfer is one whose last attempt is old enough). Asks again
 * while another run holds the chain's lock.
 */
export async function trackLocalTransfers(clockOffsetSeconds = 0): Promise<TrackReport> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const slot = Date.UTC(2005, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000;
    const response = await fetch(`${baseUrl()}/internal/dev/functions/crypto-transfer-track?time=${slot}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-test-clock-offset-seconds": String(clockOffsetSeconds),
      },
      body: JSON.stringify({ chain: "local" }),
    });
    const outcome = (await response.json()) as {
      status: string;
      result?: { transfers?: Record<string, unknown> };
    };
    const transfers = outcome?.result?.transfers;
    const report = transfers?.local as (TrackReport & { skipped?: string; error?: string }) | undefined;
    if (report?.error) throw new Error(`crypto-transfer-track failed on the local chain: ${report.error}`);
    if (report && !report.skipped) return report;
    // The run happened and found no open transfer on the local chain.
    if (transfers && !report) return emptyTrackReport();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("crypto-transfer-track never ran on the local chain");
}
