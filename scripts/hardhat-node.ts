import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

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
