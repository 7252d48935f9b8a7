import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  couponIdParams,
  couponSchema,
  createCouponBody,
  deletedCouponSchema,
  discountSchema,
  listCouponsQuery,
  redeemBody,
  updateCouponBody,
} from "./schemas";

const tags = ["Coupons"];

export const createCouponRoute = createRoute({
  method: "post",
  path: "/coupons",
  operationId: "coupons.create",
  tags,
  summary: "Create a coupon",
  description:
    "percent_off (up to two decimals) or amount_off with its currency (and currency_options for more currencies); duration once, repeating (duration_in_months) or forever; optional max_redemptions, redeem_by and applies_to.products.",
  security: authSecurity,
  request: { body: jsonBody(createCouponBody) },
  responses: { 200: jsonContent(couponSchema, "The new coupon."), ...writeErrors },
});

export const retrieveCouponRoute = createRoute({
  method: "get",
  path: "/coupons/{id}",
  operationId: "coupons.retrieve",
  tags,
  summary: "Retrieve a coupon",
  security: authSecurity,
  request: { params: couponIdParams },
  responses: { 200: jsonContent(couponSchema, "The coupon."), ...commonErrors },
});

export const updateCouponRoute = createRoute({
  method: "patch",
  path: "/coupons/{id}",
  operationId: "coupons.update",
  tags,
  summary: "Update a coupon",
  description: "Only name and metadata change; the discount terms are fixed.",
  security: authSecurity,
  request: { params: couponIdParams, body: jsonBody(updateCouponBody) },
  responses: { 200: jsonContent(couponSchema, "The updated coupon."), ...writeErrors },
});

export const deleteCouponRoute = createRoute({
  method: "delete",
  path: "/coupons/{id}",
  operationId: "coupons.delete",
  tags,
  summary: "Delete a coupon",
  description:
    "No further redemptions, directly or through its promotion codes; discounts already given stay.",
  security: authSecurity,
  request: { params: couponIdParams },
  responses: { 200: jsonContent(deletedCouponSchema, "The deleted coupon."), ...writeErrors },
});

export const listCouponsRoute = createRoute({
  method: "get",
  path: "/coupons",
  operationId: "coupons.list",
  tags,
  summary: "List coupons",
  security: authSecurity,
  request: { query: listCouponsQuery },
  responses: { 200: jsonContent(listSchema(couponSchema, "CouponList"), "Newest first."), ...commonErrors },
});

export const redeemCouponRoute = createRoute({
  method: "post",
  path: "/coupons/{id}/redeem",
  operationId: "coupons.redeem",
  tags,
  summary: "Redeem a coupon",
  description:
    "Applies the coupon to a customer's purchase of `amount` in `currency` and records the discount. Counts toward max_redemptions exactly, also under concurrent requests.",
  security: authSecurity,
  request: { params: couponIdParams, body: jsonBody(redeemBody) },
  responses: { 200: jsonContent(discountSchema, "The discount given."), ...writeErrors },
});
