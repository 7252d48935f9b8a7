import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import type { healthRoute } from "./routes";
import { checkHealth } from "./service";

export const healthHandler: RouteHandler<typeof healthRoute, AppEnv> = async (c) => {
  const health = await checkHealth(c.get("services"));
  c.header("Cache-Control", "no-store");
  return health.status === "ok" ? c.json(health, 200) : c.json(health, 503);
};
