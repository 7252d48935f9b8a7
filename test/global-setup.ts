import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { findCardData, readWorkerLog } from "./card-data";
import type { TestStack } from "./stack";

let stack: TestStack | undefined;

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    workerEnv: Record<string, string>;
    qstashUrl: string;
    qstashToken: string;
    workerLogFile: string;
    localChainUrl: string;
  }
}

/** The test CA, added to any certificates the environment already names. */
async function extraCertificates(existing: string | undefined): Promise<string> {
  const testCa = resolve("test/fixtures/tls/ca.pem");
  if (!existing) return testCa;
  const combined = join(tmpdir(), `magnetpay-extra-ca-${process.pid}.pem`);
  await writeFile(combined, `${await readFile(existing, "utf8")}\n${await readFile(testCa, "utf8")}`);
  return combined;
}

/** One local stack and one Worker in workerd for the whole run; each test makes its own merchant. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // wrangler appends all it logs, the Worker's console output included, to WRANGLER_LOG_PATH; it
  // reads the variable when its module loads, hence the dynamic import below.
  const workerLogFile = join(tmpdir(), `magnetpay-worker-${Date.now().toString(36)}-${process.pid}.log`);
  process.env.WRANGLER_LOG_PATH = workerLogFile;
  // workerd trusts the tests' webhook receiver CA (test/fixtures/tls). miniflare reads the extra
  // certificates once, when its module loads, which the dynamic import below does.
  process.env.NODE_EXTRA_CA_CERTS = await extraCertificates(process.env.NODE_EXTRA_CA_CERTS);
  const { startTestStack } = await import("./stack");
  stack = await startTestStack();
  project.provide("workerLogFile", workerLogFile);
  // The local-stack tests use the stack's server (real or embedded) like their own setup would.
  project.provide("localStackDatabaseUrl", stack.local.databaseUrl);
  project.provide("baseUrl", stack.baseUrl);
  project.provide("localChainUrl", stack.localChainUrl);
  project.provide("workerEnv", stack.workerEnv);
  project.provide("qstashUrl", stack.workerEnv.QSTASH_URL ?? "");
  project.provide("qstashToken", stack.workerEnv.QSTASH_TOKEN ?? "");
  return async () => {
    await stack?.close();
    // After the whole run: no card number or CVC ever reached the Worker's logs.
    const leaked = findCardData(await readWorkerLog(workerLogFile));
    if (leaked.length > 0) {
      // Teardown errors are easy to miss in the output: fail the run's exit code as well.
      process.exitCode = 1;
      throw new Error(`card data in the Worker's logs (${workerLogFile}): ${leaked.join(", ")}`);
    }
  };
}
