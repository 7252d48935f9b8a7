import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type * as routes from "./routes";
import {
  closeGlobalAccount,
  createGlobalAccount,
  listGlobalAccounts,
  retrieveGlobalAccount,
  updateGlobalAccount,
} from "./service";
import { listTransfers, simulateIncomingTransfer } from "./transfers";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const createGlobalAccountHandler: Handler<typeof routes.createGlobalAccountRoute> = async (c) =>
  c.json(await createGlobalAccount({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveGlobalAccountHandler: Handler<typeof routes.retrieveGlobalAccountRoute> = async (c) =>
  c.json(await retrieveGlobalAccount({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listGlobalAccountsHandler: Handler<typeof routes.listGlobalAccountsRoute> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listGlobalAccounts({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const closeGlobalAccountHandler: Handler<typeof routes.closeGlobalAccountRoute> = async (c) =>
  c.json(await closeGlobalAccount({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const simulateIncomingTransferHandler: Handler<typeof routes.simulateIncomingTransferRoute> = async (
  c,
) =>
  c.json(
    await simulateIncomingTransfer({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const listTransfersHandler: Handler<typeof routes.listTransfersRoute> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listTransfers({
        ctx: serviceContext(c),
        id: c.req.valid("param").id,
        query: c.req.valid("query"),
      }),
    ),
    200,
  );

export const updateGlobalAccountHandler: Handler<typeof routes.updateGlobalAccountRoute> = async (c) =>
  c.json(
    await updateGlobalAccount({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );
