import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { authenticate } from "./core/auth/authenticate";
import { requireOperator } from "./core/auth/operator";
import type { AppEnv } from "./core/context";
import { ApiError, errorResponse } from "./core/errors";
import { applyContractConventions, onError } from "./core/http";
import { idempotency } from "./core/idempotency";
import { rejectUnsafeInput } from "./core/input-safety";
import { rateLimit } from "./core/ratelimit";
import { requireSandbox } from "./core/sandbox";
import { requestId, services } from "./core/services";
import { validatedInput, validationError } from "./core/validation";
import { authPublicRouter, authRouter } from "./modules/auth";
import { devMailboxRouter } from "./modules/auth/dev-mailbox";
import { balancesRouter } from "./modules/balances";
import { bankAccountsRouter } from "./modules/bank-accounts";
import { bankTransfersRouter } from "./modules/bank-transfers";
import {
  checkoutPagesRouter,
  checkoutRouter,
  checkoutWalletRouter,
  invoicePagesRouter,
} from "./modules/checkout";
import { couponsRouter } from "./modules/coupons";
import { creditNotesRouter } from "./modules/credit-notes";
import { cryptoRouter } from "./modules/crypto";
import { customersRouter } from "./modules/customers";
import { eventsRouter } from "./modules/events";
import { functionTriggersRouter } from "./modules/function-triggers";
import { fundingRouter } from "./modules/funding";
import { fxRouter } from "./modules/fx";
import { globalAccountsRouter } from "./modules/global-accounts";
import { healthRouter } from "./modules/health";
import { VERSION } from "./modules/health/service";
import { invoiceItemsRouter } from "./modules/invoice-items";
import { hostedInvoicesRouter, invoicesRouter } from "./modules/invoices";
import { issuingDeviceRouter, issuingRouter } from "./modules/issuing";
import { metaRouter } from "./modules/meta";
import { docsPage } from "./modules/meta/docs";
import { metersRouter } from "./modules/meters";
import { paymentLinksRouter } from "./modules/payment-links";
import { paymentMethodsRouter } from "./modules/payment-methods";
import { paymentsRouter, sandboxPagesRouter } from "./modules/payments";
import { payoutsRouter } from "./modules/payouts";
import { pricesRouter } from "./modules/prices";
import { productsRouter } from "./modules/products";
import { promotionCodesRouter } from "./modules/promotion-codes";
import { providersRouter, providerWebhooksRouter } from "./modules/providers";
import { refundsRouter } from "./modules/refunds";
import { sandboxEmailsRouter } from "./modules/sandbox-emails";
import { settlementsRouter } from "./modules/settlements";
import { statusRouter } from "./modules/status";
import { subscriptionsRouter } from "./modules/subscriptions";
import { taxRatesRouter } from "./modules/tax-rates";
import { testClocksRouter } from "./modules/test-clocks";
import { transactionsRouter } from "./modules/transactions";
import { usageRecordsRouter } from "./modules/usage-records";
import {
  verificationOperatorRouter,
  verificationsRouter,
  verificationWebhooksRouter,
} from "./modules/verifications";
import { walletDomainRouter, walletPayRouter } from "./modules/wallet-pay";
import { webhooksRouter } from "./modules/webhooks";
import { dispatchRecorded } from "./modules/webhooks/service";

export const MAX_BODY_BYTES = 1024 * 1024;

/** The document's head; `openApiDocument` and the served `/api/v1/openapi.json` share it. */
export const openApiConfig = {
  openapi: "3.1.0",
  info: {
    title: "MagnetPay API",
    version: VERSION,
    description:
      "Payments platform API. JSON in and out, amounts in integer minor units, Stripe-style errors, pagination and idempotency.",
  },
  servers: [{ url: "/", description: "This deployment" }],
};

/** The OpenAPI 3.1 document, built without a server or any request (for linting and codegen). */
export function openApiDocument(app: OpenAPIHono<AppEnv> = createApp()) {
  return applyContractConventions(app.getOpenAPI31Document(openApiConfig));
}

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return errorResponse(c, validationError(result.error, validatedInput(result)));
    },
  });

  app.use("*", requestId);
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError("body_too_large");
      },
    }),
  );
  // Before authentication, so public routes (sign-up, login) are covered too.
  app.use("/api/v1/*", rejectUnsafeInput);
  // After a request's transactions commit, its events fan out to webhook endpoints.
  const requestServices = services(dispatchRecorded);
  app.use("/api/v1/*", requestServices);
  app.use("/internal/*", requestServices);
  app.use("/sandbox/*", requestServices);
  app.use("/checkout/*", requestServices);
  app.use("/pay/*", requestServices);
  app.use("/invoice/*", requestServices);
  app.use("/webhooks/providers/*", requestServices);
  app.use("/webhooks/veriff", requestServices);
  app.use("/files/*", requestServices);

  // Public: no credentials.
  app.route("/api/v1", healthRouter);
  app.route("/api/v1", metaRouter);
  app.route("/api/v1", authPublicRouter);
  app.route("/api/v1", issuingDeviceRouter);
  app.route("/api/v1", hostedInvoicesRouter);
  app.route("/", functionTriggersRouter);
  app.route("/", devMailboxRouter);
  app.route("/", sandboxPagesRouter);
  app.route("/", checkoutPagesRouter);
  app.route("/", invoicePagesRouter);
  app.route("/", checkoutWalletRouter);
  app.route("/", providerWebhooksRouter);
  app.route("/", verificationWebhooksRouter);
  app.route("/", walletDomainRouter);

  let document: ReturnType<typeof openApiDocument> | undefined;
  app.get("/api/v1/openapi.json", (c) => {
    document ??= openApiDocument(app);
    return c.json(document);
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKeyId", {
    type: "apiKey",
    in: "header",
    name: "X-Api-Key",
    description: "The public key id (mpk_test_… or mpk_live_…), sent with X-Api-Secret.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKeySecret", {
    type: "apiKey",
    in: "header",
    name: "X-Api-Secret",
    description: "The secret (mps_test_… or mps_live_…).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "BasicAuth", {
    type: "http",
    scheme: "basic",
    description: "key_id as the user name, secret as the password.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "BearerAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "A dashboard session token from POST /api/v1/auth/sessions; pick the environment with X-Environment.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "OperatorToken", {
    type: "apiKey",
    in: "header",
    name: "X-Operator-Token",
    description:
      "The platform operators' token (OPERATOR_TOKEN), for /api/v1/operator/* only; merchants' keys and sessions are refused there.",
  });
  app.get("/docs", docsPage);

  // The platform's operators, before the merchants' authentication: their own token, no merchant.
  app.use("/api/v1/operator/*", requireOperator);
  app.route("/api/v1", verificationOperatorRouter);

  // Everything below needs credentials; the public handlers above have already answered.
  app.use("/api/v1/*", authenticate, rateLimit("api"), idempotency);
  app.use("/api/v1/sandbox/*", requireSandbox);
  app.route("/api/v1", authRouter);
  app.route("/api/v1", customersRouter);
  app.route("/api/v1", paymentMethodsRouter);
  app.route("/api/v1", paymentsRouter);
  app.route("/api/v1", refundsRouter);
  app.route("/api/v1", providersRouter);
  app.route("/api/v1", eventsRouter);
  app.route("/api/v1", webhooksRouter);
  app.route("/api/v1", fxRouter);
  app.route("/api/v1", balancesRouter);
  app.route("/api/v1", transactionsRouter);
  app.route("/api/v1", fundingRouter);
  app.route("/api/v1", statusRouter);
  app.route("/api/v1", productsRouter);
  app.route("/api/v1", pricesRouter);
  app.route("/api/v1", couponsRouter);
  app.route("/api/v1", promotionCodesRouter);
  app.route("/api/v1", metersRouter);
  app.route("/api/v1", usageRecordsRouter);
  app.route("/api/v1", taxRatesRouter);
  app.route("/api/v1", invoiceItemsRouter);
  app.route("/api/v1", invoicesRouter);
  app.route("/api/v1", creditNotesRouter);
  app.route("/api/v1", testClocksRouter);
  app.route("/api/v1", sandboxEmailsRouter);
  app.route("/api/v1", subscriptionsRouter);
  app.route("/api/v1", bankAccountsRouter);
  app.route("/api/v1", globalAccountsRouter);
  app.route("/api/v1", payoutsRouter);
  app.route("/api/v1", settlementsRouter);
  app.route("/api/v1", bankTransfersRouter);
  app.route("/api/v1", issuingRouter);
  app.route("/api/v1", verificationsRouter);
  app.route("/api/v1", cryptoRouter);
  app.route("/api/v1", walletPayRouter);
  app.route("/api/v1", checkoutRouter);
  app.route("/api/v1", paymentLinksRouter);

  const allowedMethods = routeMethods(app);
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length === 0 || allowed.includes(c.req.method)) {
      return errorResponse(c, new ApiError("route_not_found"));
    }
    return errorResponse(
      c,
      new ApiError("method_not_allowed", {
        message: `${c.req.method} is not allowed on this URL; use ${allowed.join(", ")}.`,
        headers: { Allow: allowed.join(", ") },
      }),
    );
  });
  app.onError(onError);
  return app;
}

/** The methods the OpenAPI document declares for a path, for 405 answers with an Allow header. */
function routeMethods(app: OpenAPIHono<AppEnv>): (path: string) => string[] {
  let routes: Array<{ method: string; pattern: RegExp }> | undefined;
  return (path) => {
    routes ??= app.openAPIRegistry.definitions.flatMap((definition) => {
      if (definition.type !== "route") return [];
      const source = definition.route.path
        .split(/\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join("[^/]+");
      return [{ method: definition.route.method.toUpperCase(), pattern: new RegExp(`^${source}$`) }];
    });
    return [...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method))];
  };
}
