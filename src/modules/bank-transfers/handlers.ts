import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type * as routes from "./routes";
import {
  cancelBankTransfer,
  createBankTransfer,
  listBankTransfers,
  retrieveBankTransfer,
  returnBankTransfer,
} from "./service";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const createBankTransferHandler: Handler<typeof routes.createBankTransferRoute> = async (c) =>
  c.json(await createBankTransfer({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveBankTransferHandler: Handler<typeof routes.retrieveBankTransferRoute> = async (c) =>
  c.json(await retrieveBankTransfer({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listBankTransfersHandler: Handler<typeof routes.listBankTransfersRoute> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listBankTransfers({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const cancelBankTransferHandler: Handler<typeof routes.cancelBankTransferRoute> = async (c) =>
  c.json(await cancelBankTransfer({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const returnBankTransferHandler: Handler<typeof routes.returnBankTransferRoute> = async (c) =>
  c.json(
    await returnBankTransfer({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );
