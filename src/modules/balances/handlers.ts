import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type { balanceHistoryRoute, listBalancesRoute, retrieveBalanceRoute } from "./routes";
import { listBalanceHistory, listBalances, retrieveBalance } from "./service";

export const listBalancesHandler: RouteHandler<typeof listBalancesRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, { data: await listBalances({ ctx: serviceContext(c) }), hasMore: false }),
    200,
  );

export const retrieveBalanceHandler: RouteHandler<typeof retrieveBalanceRoute, AppEnv> = async (c) =>
  c.json(await retrieveBalance({ ctx: serviceContext(c), currency: c.req.valid("param").currency }), 200);

export const balanceHistoryHandler: RouteHandler<typeof balanceHistoryRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listBalanceHistory({
        ctx: serviceContext(c),
        currency: c.req.valid("param").currency,
        query: c.req.valid("query"),
      }),
    ),
    200,
  );
