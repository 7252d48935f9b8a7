import { backgroundFunctions } from "../functions";
import { createApp } from "./app";
import { dispatchRecordedEvents } from "./core/events";
import { runFunction } from "./core/functions";
import { createServices } from "./core/services";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cloudflare Cron Triggers: runs every function whose schedule is this cron, deduplicated per window. */
  async scheduled(
    controller: ScheduledController,
    env: Record<string, unknown>,
    ctx: ExecutionContext,
  ): Promise<void> {
    const services = createServices(env);
    const due = backgroundFunctions.filter((fn) => fn.schedule === controller.cron);
    try {
      for (const fn of due) {
        const outcome = await runFunction(services, fn, {}, "cron", new Date(controller.scheduledTime));
        console.log(JSON.stringify({ level: "info", function: fn.name, trigger: "cron", ...outcome }));
      }
    } finally {
      // Events the functions recorded fan out before the Pool closes, as after a request.
      ctx.waitUntil(dispatchRecordedEvents(services).finally(() => services.close()));
    }
  },
} satisfies ExportedHandler<Record<string, unknown>>;
