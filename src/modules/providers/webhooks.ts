import { Hono } from "hono";
import type { AppEnv } from "../../core/context";
import { ApiError } from "../../core/errors";
import { completePaymentFromProviderEvent } from "../payments/service";
import { stripeConnectionForWebhook } from "./service";
import { verifyStripeSignature } from "./stripe";

interface StripeEvent {
  type?: string;
  data?: { object?: { id?: string; object?: string; metadata?: Record<string, string> } };
}

const outcomes: Record<string, "succeeded" | "failed"> = {
  "payment_intent.succeeded": "succeeded",
  "payment_intent.amount_capturable_updated": "succeeded",
  "payment_intent.payment_failed": "failed",
};

/**
 * Stripe's asynchronous outcomes (3-D Secure finished, a delayed method cleared). The
 * Stripe-Signature is checked on the raw body with the connection's webhook secret first.
 */
export const providerWebhooksRouter = new Hono<AppEnv>().post(
  "/webhooks/providers/stripe/:connectionId",
  async (c) => {
    const services = c.get("services");
    const body = await c.req.text();
    const found = await stripeConnectionForWebhook(
      services.config.PROVIDER_CREDENTIALS_KEY,
      c.req.param("connectionId"),
      services.db,
    );
    const valid =
      found !== undefined &&
      (await verifyStripeSignature({
        header: c.req.header("stripe-signature"),
        body,
        secret: found.webhookSecret,
        now: services.clock.now(),
      }));
    if (!found || !valid)
      throw new ApiError("signature_invalid", { message: "The Stripe-Signature is missing or invalid." });
    let event: StripeEvent;
    try {
      event = JSON.parse(body) as StripeEvent;
    } catch {
      throw new ApiError("json_invalid");
    }
    const outcome = outcomes[event.type ?? ""];
    const reference = event.data?.object?.id;
    if (!outcome || !reference) return c.json({ received: true, applied: false }, 200);
    const payment = await completePaymentFromProviderEvent(
      services,
      { merchantId: found.row.merchantId, environment: found.row.environment },
      "stripe",
      { reference, paymentId: event.data?.object?.metadata?.magnetpay_payment ?? null, outcome },
    );
    return c.json({ received: true, applied: payment !== null }, 200);
  },
);
