import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const creditNotesRouter = createRouter()
  .openapi(routes.createCreditNoteRoute, handlers.createCreditNoteHandler)
  .openapi(routes.previewCreditNoteRoute, handlers.previewCreditNoteHandler)
  .openapi(routes.listCreditNotesRoute, handlers.listCreditNotesHandler)
  .openapi(routes.retrieveCreditNoteRoute, handlers.retrieveCreditNoteHandler)
  .openapi(routes.voidCreditNoteRoute, handlers.voidCreditNoteHandler);

// The Idempotency-Key of every POST here is claimed by the middleware before the handler: a note that
// refunds is written, refunded and linked in three steps, and a retry must find the key, not issue again.
