import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import { createCryptoAddress, listCryptoAddresses, retrieveCryptoAddress } from "./addresses";
import { listCryptoDeposits, retrieveCryptoDeposit } from "./deposits";
import { createCryptoPayment, listCryptoPayments, retrieveCryptoPayment } from "./payments";
import type {
  createCryptoAddressRoute,
  createCryptoPaymentRoute,
  createCryptoTransferRoute,
  listCryptoAddressesRoute,
  listCryptoDepositsRoute,
  listCryptoNetworksRoute,
  listCryptoPaymentsRoute,
  listCryptoTransfersRoute,
  retrieveCryptoAddressRoute,
  retrieveCryptoDepositRoute,
  retrieveCryptoPaymentRoute,
  retrieveCryptoTransferRoute,
  setConfirmationTiersRoute,
} from "./routes";
import { createCryptoTransfer } from "./send";
import { listCryptoNetworks, setConfirmationTiers } from "./settings";
import { listCryptoTransfers, retrieveCryptoTransfer } from "./transfers";

export const createCryptoAddressHandler: RouteHandler<typeof createCryptoAddressRoute, AppEnv> = async (c) =>
  c.json(await createCryptoAddress({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveCryptoAddressHandler: RouteHandler<typeof retrieveCryptoAddressRoute, AppEnv> = async (
  c,
) => c.json(await retrieveCryptoAddress({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCryptoAddressesHandler: RouteHandler<typeof listCryptoAddressesRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listCryptoAddresses({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const retrieveCryptoDepositHandler: RouteHandler<typeof retrieveCryptoDepositRoute, AppEnv> = async (
  c,
) => c.json(await retrieveCryptoDeposit({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCryptoDepositsHandler: RouteHandler<typeof listCryptoDepositsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listCryptoDeposits({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const listCryptoNetworksHandler: RouteHandler<typeof listCryptoNetworksRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, { data: await listCryptoNetworks({ ctx: serviceContext(c) }), hasMore: false }),
    200,
  );

export const setConfirmationTiersHandler: RouteHandler<typeof setConfirmationTiersRoute, AppEnv> = async (
  c,
) =>
  c.json(
    await setConfirmationTiers({
      ctx: serviceContext(c),
      network: c.req.valid("param").network,
      tiers: c.req.valid("json").tiers,
    }),
    200,
  );

export const createCryptoTransferHandler: RouteHandler<typeof createCryptoTransferRoute, AppEnv> = async (
  c,
) => c.json(await createCryptoTransfer({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveCryptoTransferHandler: RouteHandler<typeof retrieveCryptoTransferRoute, AppEnv> = async (
  c,
) => c.json(await retrieveCryptoTransfer({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCryptoTransfersHandler: RouteHandler<typeof listCryptoTransfersRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listCryptoTransfers({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const createCryptoPaymentHandler: RouteHandler<typeof createCryptoPaymentRoute, AppEnv> = async (c) =>
  c.json(await createCryptoPayment({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveCryptoPaymentHandler: RouteHandler<typeof retrieveCryptoPaymentRoute, AppEnv> = async (
  c,
) => c.json(await retrieveCryptoPayment({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCryptoPaymentsHandler: RouteHandler<typeof listCryptoPaymentsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listCryptoPayments({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );
