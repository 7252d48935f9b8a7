import { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { inject } from "vitest";
import type { Services } from "../src/core/context";
import { nodeServices } from "./node-services";

/**
 * Like nodeServices, with a pool of `maxConnections` (the Worker's is 5), for tests that need many
 * real concurrent transactions. Call `end()` when done.
 */
export function pooledServices(maxConnections: number): Services & { end(): Promise<void> } {
  const base = nodeServices();
  const pool = new Pool({ connectionString: inject("workerEnv").DATABASE_URL, max: maxConnections });
  return {
    ...base,
    pool,
    db: drizzle({ client: pool }),
    end: async () => {
      await Promise.all([pool.end(), base.pool.end()]);
    },
  };
}
