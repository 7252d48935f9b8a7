import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { ApiError } from "../../core/errors";
import { listResponse, serviceContext } from "../../core/http";
import { checkLimit, tooManyRequests } from "../../core/ratelimit";
import { createApiKey, listApiKeys, revokeApiKey, rollApiKey } from "./api-keys";
import type {
  createApiKeyRoute,
  listApiKeysRoute,
  loginRoute,
  logoutRoute,
  revokeApiKeyRoute,
  rollApiKeyRoute,
  signupRoute,
  verifySignupRoute,
} from "./routes";
import { completeSignup, logIn, requestSignup, revokeSession } from "./sessions";

const LOGIN_ATTEMPTS_PER_MINUTE = 5;

const SIGNUP_WINDOW_SECONDS = 60 * 60;

/**
 * Each sign-up costs a PBKDF2 hash and an email, so sign-ups are limited per client IP
 * (CF-Connecting-IP, set by Cloudflare), SIGNUP_LIMIT_PER_IP_PER_HOUR of them an hour.
 */
export const signupHandler: RouteHandler<typeof signupRoute, AppEnv> = async (c) => {
  const services = c.get("services");
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  const exempt = services.config.SIGNUP_LIMIT_EXEMPT_IPS.split(",").some((entry) => entry.trim() === ip);
  if (!exempt) {
    const limit = await checkLimit(
      services,
      {
        prefix: "rl:signup",
        identifier: ip,
        requests: services.config.SIGNUP_LIMIT_PER_IP_PER_HOUR,
        windowSeconds: SIGNUP_WINDOW_SECONDS,
      },
      (promise) => c.executionCtx.waitUntil(promise),
    );
    if (!limit.allowed) throw tooManyRequests(limit);
  }
  return c.json(await requestSignup({ services, input: c.req.valid("json") }), 202);
};

export const verifySignupHandler: RouteHandler<typeof verifySignupRoute, AppEnv> = async (c) =>
  c.json(
    await completeSignup({
      services: c.get("services"),
      token: c.req.valid("json").token,
      requestId: c.get("requestId"),
    }),
    200,
  );

/** Attempts are limited per email whether or not it exists, so the limit itself reveals nothing. */
export const loginHandler: RouteHandler<typeof loginRoute, AppEnv> = async (c) => {
  const input = c.req.valid("json");
  const services = c.get("services");
  const limit = await checkLimit(
    services,
    {
      prefix: "rl:login",
      identifier: input.email.toLowerCase(),
      requests: LOGIN_ATTEMPTS_PER_MINUTE,
      windowSeconds: 60,
    },
    (promise) => c.executionCtx.waitUntil(promise),
  );
  if (!limit.allowed) throw tooManyRequests(limit);
  return c.json(await logIn({ services, input, requestId: c.get("requestId") }), 200);
};

export const logoutHandler: RouteHandler<typeof logoutRoute, AppEnv> = async (c) => {
  const sessionId = c.get("auth").sessionId;
  if (!sessionId) throw new ApiError("session_required");
  await revokeSession({ ctx: serviceContext(c), sessionId });
  return c.json({ object: "session" as const, revoked: true as const }, 200);
};

export const createApiKeyHandler: RouteHandler<typeof createApiKeyRoute, AppEnv> = async (c) =>
  c.json(await createApiKey({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listApiKeysHandler: RouteHandler<typeof listApiKeysRoute, AppEnv> = async (c) => {
  const keys = await listApiKeys({ ctx: serviceContext(c), environment: c.req.valid("query").environment });
  return c.json(listResponse(c.req.path, { data: keys, hasMore: false }), 200);
};

export const rollApiKeyHandler: RouteHandler<typeof rollApiKeyRoute, AppEnv> = async (c) =>
  c.json(
    await rollApiKey({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      expiresInSeconds: c.req.valid("json").expires_in_seconds,
    }),
    200,
  );

export const revokeApiKeyHandler: RouteHandler<typeof revokeApiKeyRoute, AppEnv> = async (c) =>
  c.json(await revokeApiKey({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);
