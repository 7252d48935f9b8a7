import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type * as routes from "./routes";
import {
  exportSettlementCsv,
  listSettlementItems,
  listSettlements,
  retrieveSettlement,
  retrieveSettlementSchedule,
  updateSettlementSchedule,
} from "./service";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const retrieveScheduleHandler: Handler<typeof routes.retrieveScheduleRoute> = async (c) =>
  c.json(await retrieveSettlementSchedule({ ctx: serviceContext(c) }), 200);

export const updateScheduleHandler: Handler<typeof routes.updateScheduleRoute> = async (c) =>
  c.json(await updateSettlementSchedule({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listSettlementsHandler: Handler<typeof routes.listSettlementsRoute> = async (c) =>
  c.json(
    listResponse(c.req.path, await listSettlements({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const retrieveSettlementHandler: Handler<typeof routes.retrieveSettlementRoute> = async (c) =>
  c.json(await retrieveSettlement({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listSettlementItemsHandler: Handler<typeof routes.listSettlementItemsRoute> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listSettlementItems({
        ctx: serviceContext(c),
        id: c.req.valid("param").id,
        query: c.req.valid("query"),
      }),
    ),
    200,
  );

export const exportSettlementHandler: Handler<typeof routes.exportSettlementRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const csv = await exportSettlementCsv({ ctx: serviceContext(c), id });
  return c.body(csv, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="settlement-${id}.csv"`,
  });
};
