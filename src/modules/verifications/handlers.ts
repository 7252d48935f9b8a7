import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import { accountRequirements, readAccountState } from "./account";
import {
  addBusinessPerson,
  createBusinessVerification,
  removeBusinessPerson,
  retrieveAccountBusiness,
  retrieveBusinessVerification,
  submitBusinessVerification,
} from "./business";
import { createVerificationDocument, documentDownloadUrl, retrieveVerificationDocument } from "./documents";
import {
  createIndividualVerification,
  listIndividualVerifications,
  resubmitIndividualVerification,
  retrieveIndividualVerification,
  submitIndividualVerification,
} from "./individual";
import { resubmitBusinessVerification } from "./resubmit";
import { listReviewQueue, reviewBusinessVerification, reviewIndividualVerification } from "./review";
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

export const removePersonHandler: RouteHandler<typeof routes.removePersonRoute, AppEnv> = async (c) => {
  const { id, person } = c.req.valid("param");
  return c.json(await removeBusinessPerson({ ctx: serviceContext(c), id, personId: person }), 200);
};

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

export const resubmitIndividualHandler: RouteHandler<typeof routes.resubmitIndividualRoute, AppEnv> = async (
  c,
) =>
  c.json(
    await resubmitIndividualVerification({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const resubmitBusinessHandler: RouteHandler<typeof routes.resubmitBusinessRoute, AppEnv> = async (c) =>
  c.json(
    await resubmitBusinessVerification({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

/** Operator routes have no merchant: the verb acts for the one that owns the verification. */
const operatorContext = (c: Context<AppEnv>) => ({
  services: c.get("services"),
  requestId: c.get("requestId"),
});

export const reviewIndividualHandler: RouteHandler<typeof routes.reviewIndividualRoute, AppEnv> = async (c) =>
  c.json(
    await reviewIndividualVerification({
      ctx: operatorContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const reviewBusinessHandler: RouteHandler<typeof routes.reviewBusinessRoute, AppEnv> = async (c) =>
  c.json(
    await reviewBusinessVerification({
      ctx: operatorContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const reviewQueueHandler: RouteHandler<typeof routes.reviewQueueRoute, AppEnv> = async (c) => {
  const queue = await listReviewQueue({ services: c.get("services"), limit: c.req.valid("query").limit });
  return c.json({ object: "list" as const, data: queue.data, has_more: queue.hasMore }, 200);
};
