import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import { discountSchema, redeemBody } from "../coupons/service";
import {
  createPromotionCodeBody,
  listPromotionCodesQuery,
  promotionCodeIdParams,
  promotionCodeSchema,
  updatePromotionCodeBody,
} from "./schemas";

const tags = ["Promotion codes"];

export const createPromotionCodeRoute = createRoute({
  method: "post",
  path: "/promotion-codes",
  operationId: "promotionCodes.create",
  tags,
  summary: "Create a promotion code",
  description:
    "A customer-facing code on a coupon, unique (case-insensitively) among active codes, with optional restrictions: one customer, first-time customers, a minimum amount, max_redemptions overall and per customer, expires_at.",
  security: authSecurity,
  request: { body: jsonBody(createPromotionCodeBody) },
  responses: { 200: jsonContent(promotionCodeSchema, "The new promotion code."), ...writeErrors },
});

export const retrievePromotionCodeRoute = createRoute({
  method: "get",
  path: "/promotion-codes/{id}",
  operationId: "promotionCodes.retrieve",
  tags,
  summary: "Retrieve a promotion code",
  security: authSecurity,
  request: { params: promotionCodeIdParams },
  responses: { 200: jsonContent(promotionCodeSchema, "The promotion code."), ...commonErrors },
});

export const updatePromotionCodeRoute = createRoute({
  method: "patch",
  path: "/promotion-codes/{id}",
  operationId: "promotionCodes.update",
  tags,
  summary: "Update a promotion code",
  description: "Only active and metadata change.",
  security: authSecurity,
  request: { params: promotionCodeIdParams, body: jsonBody(updatePromotionCodeBody) },
  responses: { 200: jsonContent(promotionCodeSchema, "The updated promotion code."), ...writeErrors },
});

export const listPromotionCodesRoute = createRoute({
  method: "get",
  path: "/promotion-codes",
  operationId: "promotionCodes.list",
  tags,
  summary: "List promotion codes",
  security: authSecurity,
  request: { query: listPromotionCodesQuery },
  responses: {
    200: jsonContent(listSchema(promotionCodeSchema, "PromotionCodeList"), "Newest first."),
    ...commonErrors,
  },
});

export const redeemPromotionCodeRoute = createRoute({
  method: "post",
  path: "/promotion-codes/{id}/redeem",
  operationId: "promotionCodes.redeem",
  tags,
  summary: "Redeem a promotion code",
  description:
    "Checks the code's restrictions and its coupon's terms, then records the discount. Overall and per-customer limits stay exact under concurrent requests.",
  security: authSecurity,
  request: { params: promotionCodeIdParams, body: jsonBody(redeemBody) },
  responses: { 200: jsonContent(discountSchema, "The discount given."), ...writeErrors },
});
