import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import type { errorCodesRoute } from "./routes";
import { listErrorCodes } from "./service";

export const errorCodesHandler: RouteHandler<typeof errorCodesRoute, AppEnv> = (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(
    { object: "list" as const, data: listErrorCodes(), has_more: false as const, url: c.req.path },
    200,
  );
};
