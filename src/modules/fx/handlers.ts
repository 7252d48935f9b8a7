import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createConversionRoute,
  createQuoteRoute,
  currenciesRoute,
  getSettingsRoute,
  listConversionsRoute,
  pairRoute,
  ratesRoute,
  retrieveConversionRoute,
  retrieveQuoteRoute,
  updateSettingsRoute,
} from "./routes";
import {
  createConversion,
  createQuote,
  getFxSettings,
  getPair,
  getRates,
  listConversions,
  listCurrencies,
  retrieveConversion,
  retrieveQuote,
  updateFxSettings,
} from "./service";

export const ratesHandler: RouteHandler<typeof ratesRoute, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  return c.json(
    await getRates({ ctx: serviceContext(c), base: query.base, symbols: query.symbols?.split(",") ?? null }),
    200,
  );
};

export const pairHandler: RouteHandler<typeof pairRoute, AppEnv> = async (c) =>
  c.json(await getPair({ ctx: serviceContext(c), ...c.req.valid("param") }), 200);

export const currenciesHandler: RouteHandler<typeof currenciesRoute, AppEnv> = async (c) =>
  c.json(
    {
      object: "list" as const,
      data: await listCurrencies({ ctx: serviceContext(c) }),
      has_more: false as const,
      url: c.req.path,
    },
    200,
  );

export const getSettingsHandler: RouteHandler<typeof getSettingsRoute, AppEnv> = async (c) =>
  c.json(await getFxSettings({ ctx: serviceContext(c) }), 200);

export const updateSettingsHandler: RouteHandler<typeof updateSettingsRoute, AppEnv> = async (c) =>
  c.json(
    await updateFxSettings({
      ctx: serviceContext(c),
      merchantMarkupBps: c.req.valid("json").merchant_markup_bps,
    }),
    200,
  );

export const createQuoteHandler: RouteHandler<typeof createQuoteRoute, AppEnv> = async (c) =>
  c.json(await createQuote({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveQuoteHandler: RouteHandler<typeof retrieveQuoteRoute, AppEnv> = async (c) =>
  c.json(await retrieveQuote({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const createConversionHandler: RouteHandler<typeof createConversionRoute, AppEnv> = async (c) =>
  c.json(await createConversion({ ctx: serviceContext(c), quoteId: c.req.valid("json").quote }), 200);

export const retrieveConversionHandler: RouteHandler<typeof retrieveConversionRoute, AppEnv> = async (c) =>
  c.json(await retrieveConversion({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listConversionsHandler: RouteHandler<typeof listConversionsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listConversions({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
