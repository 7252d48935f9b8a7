import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const invoiceItemsRouter = createRouter()
  .openapi(routes.createInvoiceItemRoute, handlers.createInvoiceItemHandler)
  .openapi(routes.listInvoiceItemsRoute, handlers.listInvoiceItemsHandler)
  .openapi(routes.retrieveInvoiceItemRoute, handlers.retrieveInvoiceItemHandler);

// createInvoiceItem claims the Idempotency-Key in its write batch: one read, then one write round trip.
claimsIdempotencyInline("POST", "/api/v1/invoice-items");
