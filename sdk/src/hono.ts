import type { MiddlewareHandler } from "hono";
import {
  type VerifyOptions,
  verifyWebhook,
  type WebhookEvent,
  WebhookVerificationError,
} from "./webhooks.js";

export type WebhookVariables = { magnetpayEvent: WebhookEvent };

/**
 * Hono middleware for a webhook route: verifies the request with verifyWebhook and puts the event
 * in `c.get("magnetpayEvent")`; a request that fails verification gets 400 and never reaches the
 * handler. `secret` may be a function of the context, to read it from the Worker's env.
 */
export function magnetpayWebhook(
  secret: string | string[] | ((c: Parameters<MiddlewareHandler>[0]) => string | string[]),
  options: VerifyOptions = {},
): MiddlewareHandler<{ Variables: WebhookVariables }> {
  return async (c, next) => {
    const secrets = typeof secret === "function" ? secret(c) : secret;
    try {
      const event = await verifyWebhook(secrets, c.req.raw.headers, await c.req.text(), options);
      c.set("magnetpayEvent", event);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return c.json({ error: { reason: error.reason, message: error.message } }, 400);
    }
    await next();
  };
}
