import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createPromotionCodeRoute,
  listPromotionCodesRoute,
  redeemPromotionCodeRoute,
  retrievePromotionCodeRoute,
  updatePromotionCodeRoute,
} from "./routes";
import {
  createPromotionCode,
  listPromotionCodes,
  redeemPromotionCode,
  retrievePromotionCode,
  updatePromotionCode,
} from "./service";

export const createPromotionCodeHandler: RouteHandler<typeof createPromotionCodeRoute, AppEnv> = async (c) =>
  c.json(await createPromotionCode({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrievePromotionCodeHandler: RouteHandler<typeof retrievePromotionCodeRoute, AppEnv> = async (
  c,
) => c.json(await retrievePromotionCode({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updatePromotionCodeHandler: RouteHandler<typeof updatePromotionCodeRoute, AppEnv> = async (c) =>
  c.json(
    await updatePromotionCode({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const listPromotionCodesHandler: RouteHandler<typeof listPromotionCodesRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listPromotionCodes({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const redeemPromotionCodeHandler: RouteHandler<typeof redeemPromotionCodeRoute, AppEnv> = async (c) =>
  c.json(
    await redeemPromotionCode({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );
