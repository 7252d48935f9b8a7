import { neonConfig } from "@neondatabase/serverless";
import { inject } from "vitest";
import ws from "ws";
import type { Services } from "../src/core/context";
import { createServices, type ServicesOptions } from "../src/core/services";

/**
 * The Worker's own services, built in the test process against the same local stack; with
 * `options.requestId`, the adapters count their round trips under that id (round-trips-testing.ts).
 */
export function nodeServices(
  overrides: Record<string, string> = {},
  options: ServicesOptions = {},
): Services {
  neonConfig.webSocketConstructor = ws;
  return createServices({ ...inject("workerEnv"), ...overrides }, options);
}
