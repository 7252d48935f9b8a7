import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  cancelPaymentRoute,
  capturePaymentRoute,
  confirmPaymentRoute,
  createPaymentRoute,
  listPaymentsRoute,
  retrievePaymentRoute,
  settlePaymentRoute,
  simulatePaymentRoute,
} from "./routes";
import {
  cancelPayment,
  capturePayment,
  confirmPayment,
  createPayment,
  listPayments,
  retrievePayment,
  settlePaymentNow,
  simulatePaymentOutcome,
} from "./service";

export const createPaymentHandler: RouteHandler<typeof createPaymentRoute, AppEnv> = async (c) =>
  c.json(await createPayment({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const confirmPaymentHandler: RouteHandler<typeof confirmPaymentRoute, AppEnv> = async (c) =>
  c.json(
    await confirmPayment({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const capturePaymentHandler: RouteHandler<typeof capturePaymentRoute, AppEnv> = async (c) =>
  c.json(
    await capturePayment({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      amountToCapture: c.req.valid("json")?.amount_to_capture,
    }),
    200,
  );

export const cancelPaymentHandler: RouteHandler<typeof cancelPaymentRoute, AppEnv> = async (c) =>
  c.json(
    await cancelPayment({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      reason: c.req.valid("json")?.cancellation_reason,
    }),
    200,
  );

export const retrievePaymentHandler: RouteHandler<typeof retrievePaymentRoute, AppEnv> = async (c) =>
  c.json(await retrievePayment({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listPaymentsHandler: RouteHandler<typeof listPaymentsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listPayments({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const simulatePaymentHandler: RouteHandler<typeof simulatePaymentRoute, AppEnv> = async (c) =>
  c.json(
    await simulatePaymentOutcome({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      outcome: c.req.valid("json").outcome,
    }),
    200,
  );

export const settlePaymentHandler: RouteHandler<typeof settlePaymentRoute, AppEnv> = async (c) =>
  c.json(await settlePaymentNow({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);
