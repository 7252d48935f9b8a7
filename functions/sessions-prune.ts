import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { pruneSessions } from "../src/modules/auth/service";

export const sessionsPrune = defineFunction({
  name: "sessions-prune",
  description: "Deletes expired and revoked dashboard sessions.",
  payload: z.object({}).passthrough(),
  schedule: "0 * * * *",
  intervalSeconds: 3600,
  handler: async (services) => ({ deleted: await pruneSessions(services) }),
});
