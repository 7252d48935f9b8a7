import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type { exportTransactionsRoute, listTransactionsRoute, retrieveTransactionRoute } from "./routes";
import { exportTransactionsCsv, listTransactions, retrieveTransaction } from "./service";

export const listTransactionsHandler: RouteHandler<typeof listTransactionsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listTransactions({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const exportTransactionsHandler: RouteHandler<typeof exportTransactionsRoute, AppEnv> = async (c) => {
  const { format: _csv, ...filters } = c.req.valid("query");
  const stream = await exportTransactionsCsv({ ctx: serviceContext(c), query: filters });
  const day = c.get("services").clock.now().toISOString().slice(0, 10);
  return c.body(stream, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="transactions-${day}.csv"`,
  });
};

export const retrieveTransactionHandler: RouteHandler<typeof retrieveTransactionRoute, AppEnv> = async (c) =>
  c.json(await retrieveTransaction({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);
