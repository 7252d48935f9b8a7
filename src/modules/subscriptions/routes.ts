import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  cancelSubscriptionBody,
  createSubscriptionBody,
  invoicePreviewSchema,
  listSubscriptionsQuery,
  pauseSubscriptionBody,
  resumeSubscriptionBody,
  subscriptionIdParams,
  subscriptionSchema,
  subscriptionSettingsSchema,
  subscriptionUsageSchema,
  updateSubscriptionBody,
  updateSubscriptionSettingsBody,
} from "./schemas";

const tags = ["Subscriptions"];

export const createSubscriptionRoute = createRoute({
  method: "post",
  path: "/subscriptions",
  operationId: "subscriptions.create",
  tags,
  summary: "Create a subscription",
  description:
    "Items are recurring prices of one currency and interval: licensed (× quantity, charged up front each period) or metered (no quantity; the usage of each period is billed on the renewal invoice that follows it). With a trial the subscription is `trialing` and nothing is invoiced until the trial ends. Otherwise the first invoice is created, finalized and (charge_automatically) charged to the customer's default payment method at once: `active` when paid, `incomplete` when not (it expires after 23 hours). A customer on a test clock puts the subscription on the clock's time.",
  security: authSecurity,
  request: { body: jsonBody(createSubscriptionBody) },
  responses: { 200: jsonContent(subscriptionSchema, "The new subscription."), ...writeErrors },
});

export const retrieveSubscriptionRoute = createRoute({
  method: "get",
  path: "/subscriptions/{id}",
  operationId: "subscriptions.retrieve",
  tags,
  summary: "Retrieve a subscription",
  security: authSecurity,
  request: { params: subscriptionIdParams },
  responses: { 200: jsonContent(subscriptionSchema, "The subscription."), ...commonErrors },
});

export const retrieveSubscriptionUsageRoute = createRoute({
  method: "get",
  path: "/subscriptions/{id}/usage",
  operationId: "subscriptions.usage",
  tags,
  summary: "Retrieve a subscription's usage in the current period",
  description:
    "For each metered item: its meter's aggregate of the customer's usage records in the current period [start, end), that value rounded half up to a whole quantity, and what the quantity costs under the item's price (the usage line the renewal would write if the period ended now).",
  security: authSecurity,
  request: { params: subscriptionIdParams },
  responses: { 200: jsonContent(subscriptionUsageSchema, "The subscription's usage."), ...commonErrors },
});

export const listSubscriptionsRoute = createRoute({
  method: "get",
  path: "/subscriptions",
  operationId: "subscriptions.list",
  tags,
  summary: "List subscriptions",
  security: authSecurity,
  request: { query: listSubscriptionsQuery },
  responses: {
    200: jsonContent(listSchema(subscriptionSchema, "SubscriptionList"), "Newest first."),
    ...commonErrors,
  },
});

export const updateSubscriptionRoute = createRoute({
  method: "patch",
  path: "/subscriptions/{id}",
  operationId: "subscriptions.update",
  tags,
  summary: "Update a subscription",
  description:
    "Changes items (price or quantity, add, remove) with `proration_behavior`, and cancel_at, cancel_at_period_end, metadata. Prorations are to the second over the current period: a credit for the unused time of the old items and a charge for the rest on the new ones.",
  security: authSecurity,
  request: { params: subscriptionIdParams, body: jsonBody(updateSubscriptionBody) },
  responses: { 200: jsonContent(subscriptionSchema, "The updated subscription."), ...writeErrors },
});

export const previewSubscriptionRoute = createRoute({
  method: "post",
  path: "/subscriptions/{id}/preview",
  operationId: "subscriptions.preview",
  tags,
  summary: "Preview the invoice of a change",
  description:
    "Takes an update's body and answers, without writing anything, the invoice it would produce: with always_invoice the invoice made at once; otherwise the next renewal's invoice (pending items and prorations, then the next period). An empty body previews the upcoming invoice.",
  security: authSecurity,
  request: { params: subscriptionIdParams, body: jsonBody(updateSubscriptionBody) },
  responses: {
    200: jsonContent(invoicePreviewSchema, "The invoice the change would produce."),
    ...writeErrors,
  },
});

export const cancelSubscriptionRoute = createRoute({
  method: "post",
  path: "/subscriptions/{id}/cancel",
  operationId: "subscriptions.cancel",
  tags,
  summary: "Cancel a subscription",
  description:
    "Now (canceled, customer.subscription.deleted), or with at_period_end at the end of the current period.",
  security: authSecurity,
  request: { params: subscriptionIdParams, body: jsonBody(cancelSubscriptionBody) },
  responses: { 200: jsonContent(subscriptionSchema, "The subscription."), ...writeErrors },
});

export const pauseSubscriptionRoute = createRoute({
  method: "post",
  path: "/subscriptions/{id}/pause",
  operationId: "subscriptions.pause",
  tags,
  summary: "Pause a subscription's collection",
  description:
    "An active subscription becomes `paused` (customer.subscription.paused): its periods go on renewing, but each renewal's invoice is kept as a draft, voided or marked uncollectible (`behavior`), never charged, until POST …/resume or `resumes_at`. Pausing a paused subscription changes the behavior or the time.",
  security: authSecurity,
  request: { params: subscriptionIdParams, body: jsonBody(pauseSubscriptionBody) },
  responses: { 200: jsonContent(subscriptionSchema, "The paused subscription."), ...writeErrors },
});

export const resumeSubscriptionRoute = createRoute({
  method: "post",
  path: "/subscriptions/{id}/resume",
  operationId: "subscriptions.resume",
  tags,
  summary: "Resume a paused subscription",
  description:
    "`active` again now (customer.subscription.resumed), its billing cycle unchanged: the next renewal is invoiced and charged as usual.",
  security: authSecurity,
  request: { params: subscriptionIdParams, body: jsonBody(resumeSubscriptionBody) },
  responses: { 200: jsonContent(subscriptionSchema, "The resumed subscription."), ...writeErrors },
});

export const retrieveSubscriptionSettingsRoute = createRoute({
  method: "get",
  path: "/subscription-settings",
  operationId: "subscriptionSettings.retrieve",
  tags,
  summary: "Retrieve the subscription settings",
  description: "The dunning schedule of this environment: the retry days and what the last failure leads to.",
  security: authSecurity,
  responses: { 200: jsonContent(subscriptionSettingsSchema, "The settings."), ...commonErrors },
});

export const updateSubscriptionSettingsRoute = createRoute({
  method: "patch",
  path: "/subscription-settings",
  operationId: "subscriptionSettings.update",
  tags,
  summary: "Update the subscription settings",
  description:
    "Sets the dunning schedule (subscription_settings.updated). It applies from the next failed charge or retry on; a retry already scheduled keeps its time.",
  security: authSecurity,
  request: { body: jsonBody(updateSubscriptionSettingsBody) },
  responses: { 200: jsonContent(subscriptionSettingsSchema, "The settings."), ...writeErrors },
});
