import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createCouponRoute,
  deleteCouponRoute,
  listCouponsRoute,
  redeemCouponRoute,
  retrieveCouponRoute,
  updateCouponRoute,
} from "./routes";
import {
  createCoupon,
  deleteCoupon,
  listCoupons,
  redeemCoupon,
  retrieveCoupon,
  updateCoupon,
} from "./service";

export const createCouponHandler: RouteHandler<typeof createCouponRoute, AppEnv> = async (c) =>
  c.json(await createCoupon({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveCouponHandler: RouteHandler<typeof retrieveCouponRoute, AppEnv> = async (c) =>
  c.json(await retrieveCoupon({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateCouponHandler: RouteHandler<typeof updateCouponRoute, AppEnv> = async (c) =>
  c.json(
    await updateCoupon({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const deleteCouponHandler: RouteHandler<typeof deleteCouponRoute, AppEnv> = async (c) =>
  c.json(await deleteCoupon({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCouponsHandler: RouteHandler<typeof listCouponsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listCoupons({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const redeemCouponHandler: RouteHandler<typeof redeemCouponRoute, AppEnv> = async (c) =>
  c.json(
    await redeemCoupon({
      ctx: serviceContext(c),
      input: { ...c.req.valid("json"), coupon: c.req.valid("param").id },
    }),
    200,
  );
