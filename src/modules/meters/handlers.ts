import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type { createMeterRoute, listMetersRoute, retrieveMeterRoute, updateMeterRoute } from "./routes";
import { createMeter, listMeters, retrieveMeter, updateMeter } from "./service";

export const createMeterHandler: RouteHandler<typeof createMeterRoute, AppEnv> = async (c) =>
  c.json(await createMeter({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveMeterHandler: RouteHandler<typeof retrieveMeterRoute, AppEnv> = async (c) =>
  c.json(await retrieveMeter({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateMeterHandler: RouteHandler<typeof updateMeterRoute, AppEnv> = async (c) =>
  c.json(
    await updateMeter({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const listMetersHandler: RouteHandler<typeof listMetersRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listMeters({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
