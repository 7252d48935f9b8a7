import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { refreshRates } from "../src/modules/fx/rates";

export const fxRefresh = defineFunction({
  name: "fx-refresh",
  description:
    "Fetches mid-market rates from each rate source in use, stores a snapshot, prunes old history.",
  payload: z.object({}).passthrough(),
  schedule: "* * * * *",
  intervalSeconds: 60,
  handler: (services) => refreshRates(services),
});
