import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

/** Under /api/v1/sandbox/: production credentials get 403 sandbox_only (src/core/sandbox.ts). */
export const sandboxEmailsRouter = createRouter().openapi(
  routes.listSandboxEmailsRoute,
  handlers.listSandboxEmailsHandler,
);
