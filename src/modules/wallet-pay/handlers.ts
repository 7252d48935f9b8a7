import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { loadConfig } from "../../core/config";
import type { AppEnv } from "../../core/context";
import { serviceContext } from "../../core/http";
import type {
  completeWalletSessionRoute,
  createWalletSessionRoute,
  retrieveWalletSessionRoute,
  validateApplePayMerchantRoute,
} from "./routes";
import {
  applePayDomainAssociation,
  completeWalletSession,
  createWalletSession,
  retrieveWalletSession,
  validateApplePayMerchant,
} from "./service";

export const createWalletSessionHandler: RouteHandler<typeof createWalletSessionRoute, AppEnv> = async (c) =>
  c.json(await createWalletSession({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveWalletSessionHandler: RouteHandler<typeof retrieveWalletSessionRoute, AppEnv> = async (
  c,
) => c.json(await retrieveWalletSession({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const validateApplePayMerchantHandler: RouteHandler<
  typeof validateApplePayMerchantRoute,
  AppEnv
> = async (c) =>
  c.json(
    await validateApplePayMerchant({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      validationUrl: c.req.valid("json").validation_url,
    }),
    200,
  );

export const completeWalletSessionHandler: RouteHandler<typeof completeWalletSessionRoute, AppEnv> = async (
  c,
) =>
  c.json(
    await completeWalletSession({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      token: c.req.valid("json").token,
    }),
    200,
  );

/** Apple fetches this from every merchant domain it verifies; the file comes from configuration. */
export function domainAssociationHandler(c: Context<AppEnv>): Response {
  const file = applePayDomainAssociation(loadConfig(c.env));
  if (!file) return c.text("Not found", 404);
  return c.text(file, 200, { "cache-control": "public, max-age=3600" });
}
