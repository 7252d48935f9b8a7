import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createTaxRateRoute,
  listTaxRatesRoute,
  retrieveTaxRateRoute,
  updateTaxRateRoute,
} from "./routes";
import { createTaxRate, listTaxRates, retrieveTaxRate, updateTaxRate } from "./service";

export const createTaxRateHandler: RouteHandler<typeof createTaxRateRoute, AppEnv> = async (c) =>
  c.json(await createTaxRate({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveTaxRateHandler: RouteHandler<typeof retrieveTaxRateRoute, AppEnv> = async (c) =>
  c.json(await retrieveTaxRate({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateTaxRateHandler: RouteHandler<typeof updateTaxRateRoute, AppEnv> = async (c) =>
  c.json(
    await updateTaxRate({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const listTaxRatesHandler: RouteHandler<typeof listTaxRatesRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listTaxRates({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
