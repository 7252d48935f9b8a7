import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

// Ingestion's response depends on which records the insert kept, so the idempotency middleware
// claims the key and stores the response around it (not inline).
export const usageRecordsRouter = createRouter()
  .openapi(routes.usageSummaryRoute, handlers.usageSummaryHandler)
  .openapi(routes.createUsageRecordBatchRoute, handlers.createUsageRecordBatchHandler)
  .openapi(routes.createUsageRecordRoute, handlers.createUsageRecordHandler);
