import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

// /events/types before /events/{id}, so "types" is never taken for an event id.
export const eventsRouter = createRouter()
  .openapi(routes.listEventsRoute, handlers.listEventsHandler)
  .openapi(routes.listEventTypesRoute, handlers.listEventTypesHandler)
  .openapi(routes.retrieveEventRoute, handlers.retrieveEventHandler);
