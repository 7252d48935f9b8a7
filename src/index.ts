import { runScheduledFunctions } from "../functions";
import { createApp } from "./app";
import { dispatchRecordedEvents } from "./core/events";
import { createServices } from "./core/services";
import { dispatchRecorded } from "./modules/webhooks/service";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cloudflare Cron Triggers: runs every function whose schedule is this cron, deduplicated per window. */
  async scheduled(
    controller: ScheduledController,
    env: Record<string, unknown>,
    ctx: ExecutionContext,
  ): Promise<void> {
    const services = createServices(env, { dispatchEvents: dispatchRecorded });
    try {
      await runScheduledFunctions(services, controller.cron, new Date(controller.scheduledTime));
    } finally {
      // Events the functions recorded fan out before the Pool closes, as after a request.
      ctx.waitUntil(dispatchRecordedEvents(services).finally(() => services.close()));
    }
  },
} satisfies ExportedHandler<Record<string, unknown>>;
