import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const cryptoRouter = createRouter()
  .openapi(routes.createCryptoAddressRoute, handlers.createCryptoAddressHandler)
  .openapi(routes.listCryptoAddressesRoute, handlers.listCryptoAddressesHandler)
  .openapi(routes.retrieveCryptoAddressRoute, handlers.retrieveCryptoAddressHandler)
  .openapi(routes.listCryptoDepositsRoute, handlers.listCryptoDepositsHandler)
  .openapi(routes.retrieveCryptoDepositRoute, handlers.retrieveCryptoDepositHandler)
  .openapi(routes.listCryptoNetworksRoute, handlers.listCryptoNetworksHandler)
  .openapi(routes.setConfirmationTiersRoute, handlers.setConfirmationTiersHandler);

// Both writes claim the Idempotency-Key in their own batch (runBatch).
claimsIdempotencyInline("POST", "/api/v1/crypto/addresses");
claimsIdempotencyInline("POST", "/api/v1/crypto/networks/:network/confirmation_tiers");
