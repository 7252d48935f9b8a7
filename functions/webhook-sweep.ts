import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { sweepWebhooks } from "../src/modules/webhooks/service";

export const webhookSweep = defineFunction({
  name: "webhook-sweep",
  description:
    "Dispatches events still undispatched after a minute and republishes webhook attempts whose message was lost.",
  payload: z.object({}).passthrough(),
  schedule: "* * * * *",
  intervalSeconds: 60,
  handler: (services) => sweepWebhooks(services),
});
