import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../core/context";
import { serviceContext } from "../../core/http";
import type {
  bankTransferStatusRoute,
  objectStatusRoute,
  paymentStatusRoute,
  payoutStatusRoute,
} from "./routes";
import { getStatus, type StatusLookup } from "./service";

function respond(c: Context<AppEnv>, lookup: StatusLookup) {
  c.header("X-Cache", lookup.cached ? "HIT" : "MISS");
  return lookup.document;
}

export const paymentStatusHandler: RouteHandler<typeof paymentStatusRoute, AppEnv> = async (c) =>
  c.json(
    respond(c, await getStatus({ ctx: serviceContext(c), id: c.req.valid("param").id, object: "payment" })),
    200,
  );

export const payoutStatusHandler: RouteHandler<typeof payoutStatusRoute, AppEnv> = async (c) =>
  c.json(
    respond(c, await getStatus({ ctx: serviceContext(c), id: c.req.valid("param").id, object: "payout" })),
    200,
  );

export const bankTransferStatusHandler: RouteHandler<typeof bankTransferStatusRoute, AppEnv> = async (c) =>
  c.json(
    respond(
      c,
      await getStatus({ ctx: serviceContext(c), id: c.req.valid("param").id, object: "bank_transfer" }),
    ),
    200,
  );

export const objectStatusHandler: RouteHandler<typeof objectStatusRoute, AppEnv> = async (c) =>
  c.json(respond(c, await getStatus({ ctx: serviceContext(c), id: c.req.valid("param").object_id })), 200);
