import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Abi, createTestClient, type Hex, http, publicActions, walletActions } from "viem";
import { hardhat } from "viem/chains";

/** Hardhat's node for the local chain (chain id 31337): `npm start` and the crypto tests. */
export interface HardhatNode {
  url: string;
  close(): Promise<void>;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const config = fileURLToPath(new URL("../test/fixtures/hardhat/hardhat.config.cjs", import.meta.url));

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Starts `hardhat node` on `port` (loopback only) and waits until it answers JSON-RPC. */
export async function startHardhatNode(port: number, timeoutMs = 60_000): Promise<HardhatNode> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      `${root}node_modules/hardhat/internal/cli/bootstrap.js`,
      "--config",
      config,
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop(child);
      throw new Error(`hardhat node did not start on ${url}: ${stderr.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, close: () => stop(child) };
}

/** The local chain's test token: hardhat's first account deploys it first, so its address is fixed. */
export const LOCAL_TEST_TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
/** Hardhat's first funded account (its node unlocks it): deploys the token and pays. */
export const LOCAL_FUNDER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/**
 * The local chain's hot wallet: hardhat's second account (a key everyone knows, funded with
 * 10,000 ETH by the node). Only the Worker's sends use it, so its nonce is the Worker's.
 */
export const LOCAL_HOT_WALLET_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
export const LOCAL_HOT_WALLET = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
/**
 * m/44'/60'/0'/0 of the BIP-39 test mnemonic "abandon ×11 about": a public key whose seed everyone
 * knows, for tests and `npm start` only, never for real funds.
 */
export const DEV_XPUB =
  "xpub6EF8jXqFeFEW5bwMU7RpQtHkzE4KJxcqJtvkCjJumzW8CPpacXkb92ek4WzLQXjL93HycJwTPUAcuNxCqFPKKU5m5Z2Vq4nCyh5CyPeBFFr";

const artifact = JSON.parse(
  readFileSync(new URL("../test/fixtures/erc20/TestToken.json", import.meta.url), "utf8"),
) as { abi: Abi; bytecode: Hex };

export const testTokenAbi = artifact.abi;

export function localChainClient(url: string) {
  return createTestClient({ mode: "hardhat", chain: hardhat, transport: http(url), account: LOCAL_FUNDER })
    .extend(publicActions)
    .extend(walletActions);
}

/** The Worker's CRYPTO_LOCAL_TOKENS for the token deployTestToken makes. */
export const LOCAL_TOKENS_CONFIG = JSON.stringify([
  { symbol: "USDC", contract: LOCAL_TEST_TOKEN, decimals: 6 },
]);

/** Deploys the test USDC (6 decimals, compiled once, test/fixtures/erc20) as the node's first transaction. */
export async function deployTestToken(url: string): Promise<void> {
  const client = localChainClient(url);
  const hash = await client.deployContract({
    abi: testTokenAbi,
    bytecode: artifact.bytecode,
    args: ["USD Coin (test)", "USDC", 6, 10n ** 15n],
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.contractAddress?.toLowerCase() !== LOCAL_TEST_TOKEN.toLowerCase()) {
    throw new Error(`test token deployed at ${receipt.contractAddress}, expected ${LOCAL_TEST_TOKEN}`);
  }
}
