import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type { createPriceRoute, listPricesRoute, retrievePriceRoute, updatePriceRoute } from "./routes";
import { createPrice, listPrices, retrievePrice, updatePrice } from "./service";

export const createPriceHandler: RouteHandler<typeof createPriceRoute, AppEnv> = async (c) =>
  c.json(await createPrice({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrievePriceHandler: RouteHandler<typeof retrievePriceRoute, AppEnv> = async (c) =>
  c.json(await retrievePrice({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updatePriceHandler: RouteHandler<typeof updatePriceRoute, AppEnv> = async (c) =>
  c.json(
    await updatePrice({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const listPricesHandler: RouteHandler<typeof listPricesRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listPrices({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
