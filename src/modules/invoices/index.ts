import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const invoicesRouter = createRouter()
  .openapi(routes.createInvoiceRoute, handlers.createInvoiceHandler)
  .openapi(routes.listInvoicesRoute, handlers.listInvoicesHandler)
  .openapi(routes.retrieveInvoiceRoute, handlers.retrieveInvoiceHandler)
  .openapi(routes.invoicePdfRoute, handlers.invoicePdfHandler)
  .openapi(routes.finalizeInvoiceRoute, handlers.finalizeInvoiceHandler)
  .openapi(routes.payInvoiceRoute, handlers.payInvoiceHandler)
  .openapi(routes.markInvoicePaidRoute, handlers.markInvoicePaidHandler)
  .openapi(routes.voidInvoiceRoute, handlers.voidInvoiceHandler)
  .openapi(routes.markInvoiceUncollectibleRoute, handlers.markInvoiceUncollectibleHandler)
  .openapi(routes.retrieveInvoiceSettingsRoute, handlers.retrieveInvoiceSettingsHandler)
  .openapi(routes.updateInvoiceSettingsRoute, handlers.updateInvoiceSettingsHandler);

/** The customer's view, mounted before authentication: the token in its URL is the credential. */
export const hostedInvoicesRouter = createRouter().openapi(
  routes.hostedInvoiceRoute,
  handlers.hostedInvoiceHandler,
);

// The Idempotency-Key of every POST here is claimed by the middleware before the handler: a replay of a
// create must find the key before it reads the pending items its first request took (it would find none),
// and a replay of an action before it reads the status its first request left.
