import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { pruneTestClocks } from "../src/modules/test-clocks/service";

export const testClocksPrune = defineFunction({
  name: "test-clocks-prune",
  description: "Deletes test clocks created more than seven days ago.",
  payload: z.object({}).passthrough(),
  schedule: "0 * * * *",
  intervalSeconds: 3600,
  handler: async (services) => ({ deleted: await pruneTestClocks(services) }),
});
