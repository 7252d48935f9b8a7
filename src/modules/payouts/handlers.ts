import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type * as routes from "./routes";
import {
  cancelPayout,
  createPayout,
  listPayouts,
  retrievePayout,
  retrievePayoutSchedule,
  updatePayoutSchedule,
} from "./service";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const createPayoutHandler: Handler<typeof routes.createPayoutRoute> = async (c) =>
  c.json(await createPayout({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrievePayoutHandler: Handler<typeof routes.retrievePayoutRoute> = async (c) =>
  c.json(await retrievePayout({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listPayoutsHandler: Handler<typeof routes.listPayoutsRoute> = async (c) =>
  c.json(
    listResponse(c.req.path, await listPayouts({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const cancelPayoutHandler: Handler<typeof routes.cancelPayoutRoute> = async (c) =>
  c.json(await cancelPayout({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const retrievePayoutScheduleHandler: Handler<typeof routes.retrievePayoutScheduleRoute> = async (c) =>
  c.json(await retrievePayoutSchedule({ ctx: serviceContext(c) }), 200);

export const updatePayoutScheduleHandler: Handler<typeof routes.updatePayoutScheduleRoute> = async (c) =>
  c.json(await updatePayoutSchedule({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);
