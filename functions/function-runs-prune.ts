import { z } from "zod";
import { defineFunction, pruneFunctionRuns } from "../src/core/background-functions";

const BATCH = 1000;
/** Bounds one run; a backlog is worked off over the following hours' runs. */
const MAX_BATCHES = 50;

export const functionRunsPrune = defineFunction({
  name: "function-runs-prune",
  description:
    "Deletes finished background-function runs older than FUNCTION_RUNS_RETENTION_DAYS, keeping each function's latest run and latest success.",
  payload: z.object({}).passthrough(),
  // Hourly: webhook-deliver adds a run per delivery attempt, so the daily volume can be large.
  schedule: "0 * * * *",
  intervalSeconds: 3600,
  handler: async (services) => {
    const retentionMs = services.config.FUNCTION_RUNS_RETENTION_DAYS * 86_400_000;
    const cutoff = new Date(services.clock.now().getTime() - retentionMs);
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const count = await pruneFunctionRuns(cutoff, BATCH, services.db);
      deleted += count;
      if (count < BATCH) break;
    }
    return { cutoff: cutoff.toISOString(), deleted };
  },
});
