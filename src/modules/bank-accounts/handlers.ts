import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import { createMandate, deleteBankAccount, listMandates, retrieveMandate, revokeMandate } from "./mandates";
import type * as routes from "./routes";
import { createBankAccount, listBankAccounts, retrieveBankAccount } from "./service";
import { startMicroDeposits, verifyInstantly, verifyMicroDeposits } from "./verification";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const createBankAccountHandler: Handler<typeof routes.createBankAccountRoute> = async (c) =>
  c.json(await createBankAccount({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveBankAccountHandler: Handler<typeof routes.retrieveBankAccountRoute> = async (c) =>
  c.json(await retrieveBankAccount({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listBankAccountsHandler: Handler<typeof routes.listBankAccountsRoute> = async (c) =>
  c.json(
    listResponse(c.req.path, await listBankAccounts({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const deleteBankAccountHandler: Handler<typeof routes.deleteBankAccountRoute> = async (c) =>
  c.json(await deleteBankAccount({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const startMicroDepositsHandler: Handler<typeof routes.startMicroDepositsRoute> = async (c) =>
  c.json(
    await startMicroDeposits({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      type: c.req.valid("json").type,
    }),
    200,
  );

export const verifyBankAccountHandler: Handler<typeof routes.verifyBankAccountRoute> = async (c) =>
  c.json(
    await verifyMicroDeposits({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const verifyInstantlyHandler: Handler<typeof routes.verifyInstantlyRoute> = async (c) =>
  c.json(await verifyInstantly({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const createMandateHandler: Handler<typeof routes.createMandateRoute> = async (c) =>
  c.json(await createMandate({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveMandateHandler: Handler<typeof routes.retrieveMandateRoute> = async (c) =>
  c.json(await retrieveMandate({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listMandatesHandler: Handler<typeof routes.listMandatesRoute> = async (c) =>
  c.json(
    listResponse(c.req.path, await listMandates({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const revokeMandateHandler: Handler<typeof routes.revokeMandateRoute> = async (c) =>
  c.json(await revokeMandate({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);
