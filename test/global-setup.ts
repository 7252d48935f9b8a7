import type { TestProject } from "vitest/node";
import { startTestStack, type TestStack } from "./stack";

let stack: TestStack | undefined;

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    workerEnv: Record<string, string>;
    qstashUrl: string;
    qstashToken: string;
  }
}

/** One local stack and one Worker in workerd for the whole run; each test makes its own merchant. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  stack = await startTestStack();
  project.provide("baseUrl", stack.baseUrl);
  project.provide("workerEnv", stack.workerEnv);
  project.provide("qstashUrl", stack.workerEnv.QSTASH_URL ?? "");
  project.provide("qstashToken", stack.workerEnv.QSTASH_TOKEN ?? "");
  return async () => {
    await stack?.close();
  };
}
