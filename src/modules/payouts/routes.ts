import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createPayoutBody,
  listPayoutsQuery,
  payoutIdParams,
  payoutScheduleSchema,
  payoutSchema,
  updatePayoutScheduleBody,
} from "./schemas";

const tags = ["Payouts"];

export const createPayoutRoute = createRoute({
  method: "post",
  path: "/payouts",
  operationId: "payouts.create",
  tags,
  summary: "Pay out to a bank account or a crypto wallet",
  description:
    "Reserves amount + fee from the available balance at once (402 insufficient_funds otherwise, nothing reserved). To a bank account: picks the rail from the account's currency and the method, and dates the arrival from the rail's business-day calendar. To a crypto wallet (a checksummed 0x address with network, asset and asset_amount): creates the crypto transfer that sends it, valued in USD as crypto transfers are, with its network fee reserved. Production payouts need approved KYB.",
  security: authSecurity,
  request: { body: jsonBody(createPayoutBody) },
  responses: { 200: jsonContent(payoutSchema, "The pending payout."), ...writeErrors },
});

export const retrievePayoutRoute = createRoute({
  method: "get",
  path: "/payouts/{id}",
  operationId: "payouts.retrieve",
  tags,
  summary: "Retrieve a payout",
  security: authSecurity,
  request: { params: payoutIdParams },
  responses: { 200: jsonContent(payoutSchema, "The payout."), ...commonErrors },
});

export const listPayoutsRoute = createRoute({
  method: "get",
  path: "/payouts",
  operationId: "payouts.list",
  tags,
  summary: "List payouts",
  security: authSecurity,
  request: { query: listPayoutsQuery },
  responses: {
    200: jsonContent(listSchema(payoutSchema, "PayoutList"), "Newest first."),
    ...commonErrors,
  },
});

export const cancelPayoutRoute = createRoute({
  method: "post",
  path: "/payouts/{id}/cancel",
  operationId: "payouts.cancel",
  tags,
  summary: "Cancel a pending payout",
  description:
    "Only before its rail's cut-off, or for a crypto wallet before its transfer is signed for the network (status pending); the reserved funds return to available.",
  security: authSecurity,
  request: { params: payoutIdParams },
  responses: { 200: jsonContent(payoutSchema, "The canceled payout."), ...writeErrors },
});

export const retrievePayoutScheduleRoute = createRoute({
  method: "get",
  path: "/payouts/schedule",
  operationId: "payouts.retrieveSchedule",
  tags,
  summary: "Retrieve the payout schedule",
  description: "Manual (no automatic payouts) unless set otherwise.",
  security: authSecurity,
  responses: { 200: jsonContent(payoutScheduleSchema, "The schedule."), ...commonErrors },
});

export const updatePayoutScheduleRoute = createRoute({
  method: "post",
  path: "/payouts/schedule",
  operationId: "payouts.updateSchedule",
  tags,
  summary: "Set the payout schedule",
  description:
    "manual, or automatic payouts daily, weekly on a weekday or monthly on a day (00:00 UTC): one payout per currency of the whole available balance, when at least minimum_amount, to the destination. Automatic schedules in production need approved KYB. Applies from the next fire time.",
  security: authSecurity,
  request: { body: jsonBody(updatePayoutScheduleBody) },
  responses: { 200: jsonContent(payoutScheduleSchema, "The schedule."), ...writeErrors },
});
