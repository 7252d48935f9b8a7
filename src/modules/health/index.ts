import { createRouter } from "../../core/http";
import { healthHandler } from "./handlers";
import { healthRoute } from "./routes";

export const healthRouter = createRouter().openapi(healthRoute, healthHandler);
