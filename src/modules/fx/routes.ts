import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  conversionIdParams,
  conversionSchema,
  createConversionBody,
  createQuoteBody,
  currenciesSchema,
  listConversionsQuery,
  pairParams,
  pairSchema,
  quoteIdParams,
  quoteSchema,
  ratesQuery,
  ratesSchema,
  settingsBody,
  settingsSchema,
} from "./schemas";

const tags = ["FX Rates"];
const staleError = {
  503: {
    description: "Rates are stale (fx_rates_stale).",
    content: { "application/json": { schema: commonErrors[400].content["application/json"].schema } },
  },
};

export const ratesRoute = createRoute({
  method: "get",
  path: "/fx/rates",
  operationId: "fx.listRates",
  tags,
  summary: "Mid-market rates",
  description: "Units of each currency per one unit of `base`, crossed exactly through the source's base.",
  security: authSecurity,
  request: { query: ratesQuery },
  responses: { 200: jsonContent(ratesSchema, "The latest rates."), ...commonErrors, ...staleError },
});

export const pairRoute = createRoute({
  method: "get",
  path: "/fx/rates/{base}/{quote}",
  operationId: "fx.retrieveRate",
  tags,
  summary: "One pair with the merchant's markup",
  security: authSecurity,
  request: { params: pairParams },
  responses: { 200: jsonContent(pairSchema, "Mid, buy and sell rates."), ...commonErrors, ...staleError },
});

export const currenciesRoute = createRoute({
  method: "get",
  path: "/fx/currencies",
  operationId: "fx.listCurrencies",
  tags,
  summary: "Supported currencies",
  security: authSecurity,
  responses: {
    200: jsonContent(currenciesSchema, "Codes with their minor-unit exponents."),
    ...commonErrors,
    ...staleError,
  },
});

export const getSettingsRoute = createRoute({
  method: "get",
  path: "/fx/settings",
  operationId: "fx.retrieveSettings",
  tags,
  summary: "The FX markups: the platform's and the merchant's own",
  security: authSecurity,
  responses: { 200: jsonContent(settingsSchema, "Markup in basis points."), ...commonErrors },
});

export const updateSettingsRoute = createRoute({
  method: "post",
  path: "/fx/settings",
  operationId: "fx.updateSettings",
  tags,
  summary: "Set the merchant's own FX markup",
  description:
    "Sets the markup the merchant adds on top of the platform's for the rates it shows its customers. The platform markup (FX_DEFAULT_MARKUP_BPS) is the operator's; quotes for converting the merchant's own balances pay the platform markup only.",
  security: authSecurity,
  request: { body: jsonBody(settingsBody) },
  responses: { 200: jsonContent(settingsSchema, "The new markup."), ...writeErrors },
});

export const createQuoteRoute = createRoute({
  method: "post",
  path: "/fx/quotes",
  operationId: "fxQuotes.create",
  tags,
  summary: "Lock a quote",
  description:
    "Send exactly one of sell_amount and buy_amount (minor units). The quote holds for 60 seconds.",
  security: authSecurity,
  request: { body: jsonBody(createQuoteBody) },
  responses: { 200: jsonContent(quoteSchema, "The locked quote."), ...writeErrors, ...staleError },
});

export const retrieveQuoteRoute = createRoute({
  method: "get",
  path: "/fx/quotes/{id}",
  operationId: "fxQuotes.retrieve",
  tags,
  summary: "Retrieve a quote",
  security: authSecurity,
  request: { params: quoteIdParams },
  responses: { 200: jsonContent(quoteSchema, "The quote."), ...commonErrors },
});

export const createConversionRoute = createRoute({
  method: "post",
  path: "/fx/conversions",
  operationId: "fxConversions.create",
  tags,
  summary: "Convert between balances",
  description: "Uses a quote once: debits available in the sell currency and credits it in the buy currency.",
  security: authSecurity,
  request: { body: jsonBody(createConversionBody) },
  responses: {
    200: jsonContent(conversionSchema, "The conversion."),
    402: {
      description: "Insufficient funds.",
      content: { "application/json": { schema: commonErrors[400].content["application/json"].schema } },
    },
    ...writeErrors,
  },
});

export const retrieveConversionRoute = createRoute({
  method: "get",
  path: "/fx/conversions/{id}",
  operationId: "fxConversions.retrieve",
  tags,
  summary: "Retrieve a conversion",
  security: authSecurity,
  request: { params: conversionIdParams },
  responses: { 200: jsonContent(conversionSchema, "The conversion."), ...commonErrors },
});

export const listConversionsRoute = createRoute({
  method: "get",
  path: "/fx/conversions",
  operationId: "fxConversions.list",
  tags,
  summary: "List conversions",
  security: authSecurity,
  request: { query: listConversionsQuery },
  responses: {
    200: jsonContent(listSchema(conversionSchema, "FxConversionList"), "Newest first."),
    ...commonErrors,
  },
});
