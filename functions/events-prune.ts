import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { EVENT_RETENTION_DAYS, pruneEvents } from "../src/modules/events/service";
import { pruneWebhookDeliveries } from "../src/modules/webhooks/service";

const BATCH = 1000;
/** Bounds one run; a backlog is worked off over the following days' runs. */
const MAX_BATCHES = 50;

export const eventsPrune = defineFunction({
  name: "events-prune",
  description: `Deletes events and webhook deliveries older than ${EVENT_RETENTION_DAYS} days.`,
  payload: z.object({}).passthrough(),
  schedule: "15 3 * * *",
  intervalSeconds: 86_400,
  handler: async (services) => {
    const cutoff = new Date(services.clock.now().getTime() - EVENT_RETENTION_DAYS * 86_400_000);
    let deliveries = 0;
    let events = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const deletedDeliveries = await pruneWebhookDeliveries(services, cutoff, BATCH);
      const deletedEvents = await pruneEvents(services, cutoff, BATCH);
      deliveries += deletedDeliveries;
      events += deletedEvents;
      if (deletedDeliveries < BATCH && deletedEvents < BATCH) break;
    }
    return { cutoff: cutoff.toISOString(), events, deliveries };
  },
});
