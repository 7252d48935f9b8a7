import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

/** Reachable without credentials. */
export const authPublicRouter = createRouter()
  .openapi(routes.signupRoute, handlers.signupHandler)
  .openapi(routes.verifySignupRoute, handlers.verifySignupHandler)
  .openapi(routes.loginRoute, handlers.loginHandler);

export const authRouter = createRouter()
  .openapi(routes.logoutRoute, handlers.logoutHandler)
  .openapi(routes.createApiKeyRoute, handlers.createApiKeyHandler)
  .openapi(routes.listApiKeysRoute, handlers.listApiKeysHandler)
  .openapi(routes.rollApiKeyRoute, handlers.rollApiKeyHandler)
  .openapi(routes.revokeApiKeyRoute, handlers.revokeApiKeyHandler);
