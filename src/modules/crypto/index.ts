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
  .openapi(routes.setConfirmationTiersRoute, handlers.setConfirmationTiersHandler)
  .openapi(routes.createCryptoTransferRoute, handlers.createCryptoTransferHandler)
  .openapi(routes.listCryptoTransfersRoute, handlers.listCryptoTransfersHandler)
  .openapi(routes.retrieveCryptoTransferRoute, handlers.retrieveCryptoTransferHandler)
  .openapi(routes.createCryptoPaymentRoute, handlers.createCryptoPaymentHandler)
  .openapi(routes.listCryptoPaymentsRoute, handlers.listCryptoPaymentsHandler)
  .openapi(routes.retrieveCryptoPaymentRoute, handlers.retrieveCryptoPaymentHandler);

// The writes claim the Idempotency-Key in their own batch (runBatch).
claimsIdempotencyInline("POST", "/api/v1/crypto/addresses");
claimsIdempotencyInline("POST", "/api/v1/crypto/networks/:network/confirmation_tiers");
// A transfer claims its key with its reservation and stores the response with its broadcast. A
// payment is not inline: it makes its address with the address verb (a batch of its own), so the
// middleware claims its key first and stores its response after.
claimsIdempotencyInline("POST", "/api/v1/crypto/transfers");
