import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { pruneIdempotencyKeys } from "../src/core/idempotency";

export const idempotencyPrune = defineFunction({
  name: "idempotency-prune",
  description: "Deletes idempotency records older than 24 hours.",
  payload: z.object({}).passthrough(),
  schedule: "0 * * * *",
  intervalSeconds: 3600,
  handler: async (services) => ({ deleted: await pruneIdempotencyKeys(services.clock.now(), services.db) }),
});
