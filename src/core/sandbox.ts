import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

/**
 * Guards /api/v1/sandbox/*: simulations never run against production objects. A 403 with its
 * own code rather than a 404, so an integration pointed at the wrong key learns why at once.
 */
export const requireSandbox: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("auth").environment !== "sandbox") throw new ApiError("sandbox_only");
  return next();
};
