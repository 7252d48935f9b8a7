import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type * as authRoutes from "./authorization-routes";
import { createAuthorization, listAuthorizations, retrieveAuthorization } from "./authorize";
import { createCardholder, listCardholders, retrieveCardholder, updateCardholder } from "./cardholders";
import { createCard, listCards, retrieveCard } from "./cards";
import type * as disputeRoutes from "./dispute-routes";
import {
  createDispute,
  listDisputes,
  resolveDispute,
  retrieveDispute,
  submitDispute,
  updateDispute,
} from "./disputes";
import { loadCardFunds, unloadCardFunds } from "./funding";
import { incrementAuthorization } from "./increment";
import { replaceCard, simulateShipping, updateCard } from "./lifecycle";
import { createRevealToken, revealCard, setCardPin } from "./reveal";
import type * as routes from "./routes";
import { captureAuthorization, reverseAuthorization } from "./settle";
import {
  forceCapture,
  listIssuingTransactions,
  refundIssuingTransaction,
  retrieveIssuingTransaction,
} from "./transactions";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const createCardholderHandler: Handler<typeof routes.createCardholderRoute> = async (c) =>
  c.json(await createCardholder({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listCardholdersHandler: Handler<typeof routes.listCardholdersRoute> = async (c) =>
  c.json(
    listResponse(c.req.path, await listCardholders({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const retrieveCardholderHandler: Handler<typeof routes.retrieveCardholderRoute> = async (c) =>
  c.json(await retrieveCardholder({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateCardholderHandler: Handler<typeof routes.updateCardholderRoute> = async (c) =>
  c.json(
    await updateCardholder({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const createCardHandler: Handler<typeof routes.createCardRoute> = async (c) =>
  c.json(await createCard({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listCardsHandler: Handler<typeof routes.listCardsRoute> = async (c) =>
  c.json(
    listResponse(c.req.path, await listCards({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const retrieveCardHandler: Handler<typeof routes.retrieveCardRoute> = async (c) =>
  c.json(await retrieveCard({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateCardHandler: Handler<typeof routes.updateCardRoute> = async (c) =>
  c.json(
    await updateCard({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const replaceCardHandler: Handler<typeof routes.replaceCardRoute> = async (c) =>
  c.json(
    await replaceCard({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const loadCardHandler: Handler<typeof routes.loadCardRoute> = async (c) =>
  c.json(
    await loadCardFunds({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      amount: c.req.valid("json").amount,
    }),
    200,
  );

export const unloadCardHandler: Handler<typeof routes.unloadCardRoute> = async (c) =>
  c.json(
    await unloadCardFunds({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      amount: c.req.valid("json").amount,
    }),
    200,
  );

export const createRevealTokenHandler: Handler<typeof routes.createRevealTokenRoute> = async (c) =>
  c.json(
    await createRevealToken({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      purpose: c.req.valid("json").purpose ?? "reveal",
    }),
    200,
  );

export const revealCardHandler: Handler<typeof routes.revealCardRoute> = async (c) =>
  c.json(await revealCard({ services: c.get("services"), token: c.req.valid("json").token }), 200);

export const setPinHandler: Handler<typeof routes.setPinRoute> = async (c) => {
  const { token, pin } = c.req.valid("json");
  return c.json(await setCardPin({ services: c.get("services"), token, pin }), 200);
};

export const simulateShippingHandler: Handler<typeof routes.simulateShippingRoute> = async (c) =>
  c.json(
    await simulateShipping({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      status: c.req.valid("json").status,
    }),
    200,
  );

export const createAuthorizationHandler: Handler<typeof authRoutes.createAuthorizationRoute> = async (c) =>
  c.json(await createAuthorization({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listAuthorizationsHandler: Handler<typeof authRoutes.listAuthorizationsRoute> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listAuthorizations({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const retrieveAuthorizationHandler: Handler<typeof authRoutes.retrieveAuthorizationRoute> = async (
  c,
) => c.json(await retrieveAuthorization({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const captureAuthorizationHandler: Handler<typeof authRoutes.captureAuthorizationRoute> = async (c) =>
  c.json(
    await captureAuthorization({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      amount: c.req.valid("json").amount,
    }),
    200,
  );

export const incrementAuthorizationHandler: Handler<typeof authRoutes.incrementAuthorizationRoute> = async (
  c,
) =>
  c.json(
    await incrementAuthorization({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      amount: c.req.valid("json").amount,
    }),
    200,
  );

export const reverseAuthorizationHandler: Handler<typeof authRoutes.reverseAuthorizationRoute> = async (c) =>
  c.json(
    await reverseAuthorization({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      amount: c.req.valid("json").amount,
    }),
    200,
  );

export const listIssuingTransactionsHandler: Handler<typeof authRoutes.listIssuingTransactionsRoute> = async (
  c,
) =>
  c.json(
    listResponse(
      c.req.path,
      await listIssuingTransactions({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const retrieveIssuingTransactionHandler: Handler<
  typeof authRoutes.retrieveIssuingTransactionRoute
> = async (c) =>
  c.json(await retrieveIssuingTransaction({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const refundIssuingTransactionHandler: Handler<
  typeof authRoutes.refundIssuingTransactionRoute
> = async (c) =>
  c.json(
    await refundIssuingTransaction({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      amount: c.req.valid("json").amount,
    }),
    200,
  );

export const forceCaptureHandler: Handler<typeof authRoutes.forceCaptureRoute> = async (c) =>
  c.json(await forceCapture({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const createDisputeHandler: Handler<typeof disputeRoutes.createDisputeRoute> = async (c) =>
  c.json(await createDispute({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listDisputesHandler: Handler<typeof disputeRoutes.listDisputesRoute> = async (c) =>
  c.json(
    listResponse(c.req.path, await listDisputes({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const retrieveDisputeHandler: Handler<typeof disputeRoutes.retrieveDisputeRoute> = async (c) =>
  c.json(await retrieveDispute({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateDisputeHandler: Handler<typeof disputeRoutes.updateDisputeRoute> = async (c) =>
  c.json(
    await updateDispute({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const submitDisputeHandler: Handler<typeof disputeRoutes.submitDisputeRoute> = async (c) =>
  c.json(await submitDispute({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const resolveDisputeHandler: Handler<typeof disputeRoutes.resolveDisputeRoute> = async (c) =>
  c.json(
    await resolveDispute({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      outcome: c.req.valid("json").outcome,
    }),
    200,
  );
