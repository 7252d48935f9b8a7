import { Hono } from "hono";
import type { AppEnv } from "../../core/context";
import { ApiError, errorResponse } from "../../core/errors";
import { readDevMailbox } from "../../core/mailer";

/**
 * Development only (APP_ENV=development): the messages the dev mailer recorded for an address,
 * newest first, so a developer and the test harness can finish a sign-up. In production this
 * path does not exist (404), and production never uses the dev mailer.
 */
export const devMailboxRouter = new Hono<AppEnv>().get("/internal/dev/mailbox", async (c) => {
  const services = c.get("services");
  if (services.config.APP_ENV !== "development") return errorResponse(c, new ApiError("route_not_found"));
  const to = c.req.query("to");
  if (!to) return errorResponse(c, new ApiError("parameter_missing", { param: "to" }));
  return c.json({ object: "list", data: await readDevMailbox(services.redis, services.config, to) }, 200);
});
