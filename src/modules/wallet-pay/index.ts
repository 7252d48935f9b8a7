import { Hono } from "hono";
import type { AppEnv } from "../../core/context";
import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const walletPayRouter = createRouter()
  .openapi(routes.createWalletSessionRoute, handlers.createWalletSessionHandler)
  .openapi(routes.retrieveWalletSessionRoute, handlers.retrieveWalletSessionHandler)
  .openapi(routes.validateApplePayMerchantRoute, handlers.validateApplePayMerchantHandler)
  .openapi(routes.completeWalletSessionRoute, handlers.completeWalletSessionHandler);

/** Public, no credentials: Apple's domain verification reads it from the merchant's domain. */
export const walletDomainRouter = new Hono<AppEnv>().get(
  "/.well-known/apple-developer-merchantid-domain-association",
  handlers.domainAssociationHandler,
);

// createWalletSession claims the Idempotency-Key in its own batch: one round trip for the whole request.
claimsIdempotencyInline("POST", "/api/v1/wallet/sessions");
