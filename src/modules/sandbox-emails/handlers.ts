import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type { listSandboxEmailsRoute } from "./routes";
import { listSandboxEmails } from "./service";

export const listSandboxEmailsHandler: RouteHandler<typeof listSandboxEmailsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listSandboxEmails({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );
