import { neonConfig } from "@neondatabase/serverless";
import { inject } from "vitest";
import ws from "ws";
import type { Services } from "../src/core/context";
import { createServices } from "../src/core/services";

/** The Worker's own services, built in the test process against the same local stack. */
export function nodeServices(overrides: Record<string, string> = {}): Services {
  neonConfig.webSocketConstructor = ws;
  return createServices({ ...inject("workerEnv"), ...overrides });
}
