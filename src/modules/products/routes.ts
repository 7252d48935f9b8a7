import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createProductBody,
  listProductsQuery,
  productIdParams,
  productSchema,
  updateProductBody,
} from "./schemas";

const tags = ["Products"];

export const createProductRoute = createRoute({
  method: "post",
  path: "/products",
  operationId: "products.create",
  tags,
  summary: "Create a product",
  security: authSecurity,
  request: { body: jsonBody(createProductBody) },
  responses: { 200: jsonContent(productSchema, "The new product."), ...writeErrors },
});

export const retrieveProductRoute = createRoute({
  method: "get",
  path: "/products/{id}",
  operationId: "products.retrieve",
  tags,
  summary: "Retrieve a product",
  security: authSecurity,
  request: { params: productIdParams },
  responses: { 200: jsonContent(productSchema, "The product."), ...commonErrors },
});

export const updateProductRoute = createRoute({
  method: "patch",
  path: "/products/{id}",
  operationId: "products.update",
  tags,
  summary: "Update or archive a product",
  description:
    "Fields left out stay as they are; null clears description or tax_code. `active: false` archives the product: it keeps its prices but takes no new ones.",
  security: authSecurity,
  request: { params: productIdParams, body: jsonBody(updateProductBody) },
  responses: { 200: jsonContent(productSchema, "The updated product."), ...writeErrors },
});

export const listProductsRoute = createRoute({
  method: "get",
  path: "/products",
  operationId: "products.list",
  tags,
  summary: "List products",
  security: authSecurity,
  request: { query: listProductsQuery },
  responses: { 200: jsonContent(listSchema(productSchema, "ProductList"), "Newest first."), ...commonErrors },
});
