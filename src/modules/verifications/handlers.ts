import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import { accountRequirements, readAccountState } from "./account";
import {
  addBusinessPerson,
  createBusinessVerification,
  retrieveAccountBusiness,
  retrieveBusinessVerification,
  submitBusinessVerification,
} from "./business";
import { createVerificationDocument, documentDownloadUrl, retrieveVerificationDocument } from "./documents";
import {
  createIndividualVerification,
  listIndividualVerifications,
  retrieveIndividualVerification,
  submitIndividualVerification,
} from "./individual";
import type * as routes from "./routes";

export const createIndividualHandler: RouteHandler<typeof routes.createIndividualRoute, AppEnv> = async (c) =>
  c.json(await createIndividualVerification({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listIndividualsHandler: RouteHandler<typeof routes.listIndividualsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listIndividualVerifications({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const retrieveIndividualHandler: RouteHandler<typeof routes.retrieveIndividualRoute, AppEnv> = async (
  c,
) =>
  c.json(await retrieveIndividualVerification({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const submitIndividualHandler: RouteHandler<typeof routes.submitIndividualRoute, AppEnv> = async (c) =>
  c.json(await submitIndividualVerification({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const createAccountBusinessHandler: RouteHandler<
  typeof routes.createAccountBusinessRoute,
  AppEnv
> = async (c) =>
  c.json(await createBusinessVerification({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveAccountBusinessHandler: RouteHandler<
  typeof routes.retrieveAccountBusinessRoute,
  AppEnv
> = async (c) => c.json(await retrieveAccountBusiness({ ctx: serviceContext(c) }), 200);

export const requirementsHandler: RouteHandler<typeof routes.requirementsRoute, AppEnv> = async (c) => {
  const ctx = serviceContext(c);
  return c.json(accountRequirements(ctx, await readAccountState(ctx)), 200);
};

export const retrieveBusinessHandler: RouteHandler<typeof routes.retrieveBusinessRoute, AppEnv> = async (c) =>
  c.json(await retrieveBusinessVerification({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const addPersonHandler: RouteHandler<typeof routes.addPersonRoute, AppEnv> = async (c) =>
  c.json(
    await addBusinessPerson({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const submitBusinessHandler: RouteHandler<typeof routes.submitBusinessRoute, AppEnv> = async (c) =>
  c.json(await submitBusinessVerification({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const createDocumentHandler: RouteHandler<typeof routes.createDocumentRoute, AppEnv> = async (c) =>
  c.json(await createVerificationDocument({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveDocumentHandler: RouteHandler<typeof routes.retrieveDocumentRoute, AppEnv> = async (c) =>
  c.json(await retrieveVerificationDocument({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const documentDownloadUrlHandler: RouteHandler<
  typeof routes.documentDownloadUrlRoute,
  AppEnv
> = async (c) =>
  c.json(await documentDownloadUrl({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);
