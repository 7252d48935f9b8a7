import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import { createPriceBody, listPricesQuery, priceIdParams, priceSchema, updatePriceBody } from "./schemas";

const tags = ["Prices"];

export const createPriceRoute = createRoute({
  method: "post",
  path: "/prices",
  operationId: "prices.create",
  tags,
  summary: "Create a price",
  description:
    "A one-time or recurring price of an active product, per_unit, package or tiered (graduated or volume). Its amounts never change afterwards.",
  security: authSecurity,
  request: { body: jsonBody(createPriceBody) },
  responses: { 200: jsonContent(priceSchema, "The new price."), ...writeErrors },
});

export const retrievePriceRoute = createRoute({
  method: "get",
  path: "/prices/{id}",
  operationId: "prices.retrieve",
  tags,
  summary: "Retrieve a price",
  security: authSecurity,
  request: { params: priceIdParams },
  responses: { 200: jsonContent(priceSchema, "The price."), ...commonErrors },
});

export const updatePriceRoute = createRoute({
  method: "patch",
  path: "/prices/{id}",
  operationId: "prices.update",
  tags,
  summary: "Update or archive a price",
  description: "Only active, nickname, lookup_key and metadata change; `active: false` archives the price.",
  security: authSecurity,
  request: { params: priceIdParams, body: jsonBody(updatePriceBody) },
  responses: { 200: jsonContent(priceSchema, "The updated price."), ...writeErrors },
});

export const listPricesRoute = createRoute({
  method: "get",
  path: "/prices",
  operationId: "prices.list",
  tags,
  summary: "List prices",
  security: authSecurity,
  request: { query: listPricesQuery },
  responses: { 200: jsonContent(listSchema(priceSchema, "PriceList"), "Newest first."), ...commonErrors },
});
