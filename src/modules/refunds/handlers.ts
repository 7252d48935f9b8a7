import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type { createRefundRoute, listRefundsRoute, retrieveRefundRoute } from "./routes";
import { createRefund, listRefunds, retrieveRefund } from "./service";

export const createRefundHandler: RouteHandler<typeof createRefundRoute, AppEnv> = async (c) =>
  c.json(
    await createRefund({
      ctx: serviceContext(c),
      paymentId: c.req.valid("param").id,
      input: c.req.valid("json") ?? {},
    }),
    200,
  );

export const retrieveRefundHandler: RouteHandler<typeof retrieveRefundRoute, AppEnv> = async (c) =>
  c.json(await retrieveRefund({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listRefundsHandler: RouteHandler<typeof listRefundsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listRefunds({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
