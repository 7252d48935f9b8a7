// Deposit scanning throughput (src/modules/crypto/scan.ts) against hardhat's node: blocks read per
// second, and Transfer logs filtered per second against 10,000 watched addresses. Dev tooling only.
import { getAddress, type Hex, keccak256, toHex } from "viem";
import { chains } from "../../src/modules/crypto/networks";
import { chainClient } from "../../src/modules/crypto/rpc";
import { readBlocks, readTransferLogs } from "../../src/modules/crypto/scan";
import {
  deployTestToken,
  LOCAL_TEST_TOKEN,
  localChainClient,
  startHardhatNode,
  testTokenAbi,
} from "../hardhat-node";
import { freePort } from "../worker-stack";

const WATCHED = 10_000;
const TRANSFERS = 300;

/** Deterministic distinct addresses: the last 20 bytes of keccak(i). */
function addressAt(i: number): Hex {
  return getAddress(`0x${keccak256(toHex(i)).slice(-40)}`);
}

export async function benchChain(): Promise<string> {
  const node = await startHardhatNode(await freePort());
  try {
    await deployTestToken(node.url);
    const wallet = localChainClient(node.url);
    const watched = Array.from({ length: WATCHED }, (_, i) => addressAt(i));
    // Every other transfer goes to a watched address, the rest elsewhere: the filter has work to do.
    for (let i = 0; i < TRANSFERS; i += 1) {
      const to = i % 2 === 0 ? (watched[i] ?? addressAt(i)) : addressAt(WATCHED + i);
      await wallet.writeContract({
        address: LOCAL_TEST_TOKEN,
        abi: testTokenAbi,
        functionName: "transfer",
        args: [to, 1n],
      });
    }
    const head = Number(await wallet.getBlockNumber());
    const local = chains.find((chain) => chain.key === "local");
    if (!local) throw new Error("no local chain in the catalog");
    const client = chainClient([node.url], local, 10_000);
    const watchedSet = new Set(watched.map((address) => address.toLowerCase()));

    let started = performance.now();
    const read = await readBlocks(client, 1, head);
    const blockSeconds = (performance.now() - started) / 1000;

    started = performance.now();
    const found = await readTransferLogs(client, [LOCAL_TEST_TOKEN], 1, head, 1_000, watchedSet);
    const logSeconds = (performance.now() - started) / 1000;

    const rows = [
      `| blocks read with transactions (readBlocks, 8 in flight) | ${read.blocks.length} | ${(read.blocks.length / blockSeconds).toFixed(0)} blocks/s |`,
      `| Transfer logs fetched and filtered against ${WATCHED.toLocaleString("en")} watched addresses (readTransferLogs) | ${TRANSFERS} logs, ${found.length} matched | ${(TRANSFERS / logSeconds).toFixed(0)} logs/s |`,
    ];
    return [
      "### Deposit scanning (src/modules/crypto/scan.ts against hardhat's node, no Worker in front)",
      "",
      "| what | count | rate |",
      "| --- | --- | --- |",
      ...rows,
      "",
      `${TRANSFERS} ERC-20 transfers, one block each; half to watched addresses. Loopback RPC: the numbers are the scanner's and the node's cost, not a provider's latency.`,
    ].join("\n");
  } finally {
    await node.close();
  }
}
