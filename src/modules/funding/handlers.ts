import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  cancelFundingDepositRoute,
  createFundingDepositRoute,
  failFundingDepositRoute,
  fundingInstructionsRoute,
  listFundingDepositsRoute,
  receiveFundingDepositRoute,
  retrieveFundingDepositRoute,
} from "./routes";
import {
  cancelFundingDeposit,
  createFundingDeposit,
  failFundingDeposit,
  getFundingInstructions,
  listFundingDeposits,
  receiveFundingDeposit,
  retrieveFundingDeposit,
} from "./service";

export const fundingInstructionsHandler: RouteHandler<typeof fundingInstructionsRoute, AppEnv> = async (c) =>
  c.json(
    await getFundingInstructions({ ctx: serviceContext(c), currency: c.req.valid("query").currency }),
    200,
  );

export const createFundingDepositHandler: RouteHandler<typeof createFundingDepositRoute, AppEnv> = async (
  c,
) => c.json(await createFundingDeposit({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listFundingDepositsHandler: RouteHandler<typeof listFundingDepositsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listFundingDeposits({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const retrieveFundingDepositHandler: RouteHandler<typeof retrieveFundingDepositRoute, AppEnv> = async (
  c,
) => c.json(await retrieveFundingDeposit({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const cancelFundingDepositHandler: RouteHandler<typeof cancelFundingDepositRoute, AppEnv> = async (
  c,
) => c.json(await cancelFundingDeposit({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const receiveFundingDepositHandler: RouteHandler<typeof receiveFundingDepositRoute, AppEnv> = async (
  c,
) =>
  c.json(
    await receiveFundingDeposit({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      amount: c.req.valid("json").amount,
    }),
    200,
  );

export const failFundingDepositHandler: RouteHandler<typeof failFundingDepositRoute, AppEnv> = async (c) =>
  c.json(
    await failFundingDeposit({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      failureReason: c.req.valid("json").failure_reason,
    }),
    200,
  );
