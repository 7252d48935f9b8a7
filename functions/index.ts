import type { BackgroundFunction } from "../src/core/functions";
import { idempotencyPrune } from "./idempotency-prune";
import { sessionsPrune } from "./sessions-prune";

/** The registry: QStash's endpoint and the cron trigger both dispatch from here. */
export const backgroundFunctions: readonly BackgroundFunction[] = [
  idempotencyPrune as BackgroundFunction,
  sessionsPrune as BackgroundFunction,
];

export function findFunction(name: string): BackgroundFunction | undefined {
  return backgroundFunctions.find((fn) => fn.name === name);
}
