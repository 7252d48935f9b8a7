import { neonConfig } from "@neondatabase/serverless";
import { inject } from "vitest";
import ws from "ws";
import type { Services } from "../src/core/context";
import { createServices } from "../src/core/services";

/**
 * Like nodeServices, with an interactive Pool of `maxConnections` (the Worker's is 5), for tests that
 * need many real concurrent transactions. Call `end()` when done.
 */
export function pooledServices(maxConnections: number): Services & { end(): Promise<void> } {
  neonConfig.webSocketConstructor = ws;
  const services = createServices(inject("workerEnv"), { poolMax: maxConnections });
  return { ...services, end: services.close };
}
