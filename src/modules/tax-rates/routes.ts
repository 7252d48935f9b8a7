import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createTaxRateBody,
  listTaxRatesQuery,
  taxRateIdParams,
  taxRateSchema,
  updateTaxRateBody,
} from "./schemas";

const tags = ["Tax rates"];

export const createTaxRateRoute = createRoute({
  method: "post",
  path: "/tax-rates",
  operationId: "taxRates.create",
  tags,
  summary: "Create a tax rate",
  description:
    "A percentage (up to four decimals), inclusive (already in the line amounts) or exclusive (added on top), for a jurisdiction. Invoice lines take several.",
  security: authSecurity,
  request: { body: jsonBody(createTaxRateBody) },
  responses: { 200: jsonContent(taxRateSchema, "The new tax rate."), ...writeErrors },
});

export const retrieveTaxRateRoute = createRoute({
  method: "get",
  path: "/tax-rates/{id}",
  operationId: "taxRates.retrieve",
  tags,
  summary: "Retrieve a tax rate",
  security: authSecurity,
  request: { params: taxRateIdParams },
  responses: { 200: jsonContent(taxRateSchema, "The tax rate."), ...commonErrors },
});

export const updateTaxRateRoute = createRoute({
  method: "patch",
  path: "/tax-rates/{id}",
  operationId: "taxRates.update",
  tags,
  summary: "Update a tax rate",
  description: "Name, description, metadata and active; the percentage and inclusiveness are fixed.",
  security: authSecurity,
  request: { params: taxRateIdParams, body: jsonBody(updateTaxRateBody) },
  responses: { 200: jsonContent(taxRateSchema, "The updated tax rate."), ...writeErrors },
});

export const listTaxRatesRoute = createRoute({
  method: "get",
  path: "/tax-rates",
  operationId: "taxRates.list",
  tags,
  summary: "List tax rates",
  security: authSecurity,
  request: { query: listTaxRatesQuery },
  responses: { 200: jsonContent(listSchema(taxRateSchema, "TaxRateList"), "Newest first."), ...commonErrors },
});
