import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { authenticate } from "./core/auth/authenticate";
import type { AppEnv } from "./core/context";
import { ApiError, errorResponse } from "./core/errors";
import { onError } from "./core/http";
import { idempotency } from "./core/idempotency";
import { rateLimit } from "./core/ratelimit";
import { requestId, services } from "./core/services";
import { validationError } from "./core/validation";
import { authPublicRouter, authRouter } from "./modules/auth";
import { customersRouter } from "./modules/customers";
import { functionsRouter } from "./modules/functions";
import { healthRouter } from "./modules/health";
import { VERSION } from "./modules/health/service";
import { metaRouter } from "./modules/meta";

export const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return errorResponse(c, validationError(result.error));
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
  app.use("/api/v1/*", services);
  app.use("/internal/*", services);

  // Public: no credentials.
  app.route("/api/v1", healthRouter);
  app.route("/api/v1", metaRouter);
  app.route("/api/v1", authPublicRouter);
  app.route("/", functionsRouter);

  app.doc31("/api/v1/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "MagnetPay API",
      version: VERSION,
      description:
        "Payments platform API. JSON in and out, amounts in integer minor units, Stripe-style errors, pagination and idempotency.",
    },
    servers: [{ url: "/", description: "This deployment" }],
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
  app.get("/docs", Scalar({ url: "/api/v1/openapi.json", pageTitle: "MagnetPay API reference" }));

  // Everything below needs credentials; the public handlers above have already answered.
  app.use("/api/v1/*", authenticate, rateLimit("api"), idempotency);
  app.route("/api/v1", authRouter);
  app.route("/api/v1", customersRouter);

  app.notFound((c) => errorResponse(c, new ApiError("route_not_found")));
  app.onError(onError);
  return app;
}
