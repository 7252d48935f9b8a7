import { createRoute } from "@hono/zod-openapi";
import { requireSession } from "../../core/auth/authenticate";
import { commonErrors, ErrorSchema, jsonBody, jsonContent, publicRoute, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  apiKeyIdParams,
  apiKeySchema,
  apiKeyWithSecretSchema,
  createApiKeyBody,
  listApiKeysQuery,
  loginBody,
  revokedSessionSchema,
  rollApiKeyBody,
  sessionSchema,
  signupAcceptedSchema,
  signupBody,
  verifySignupBody,
} from "./schemas";

const bearer = [{ BearerAuth: [] }];
/** What requireSession answers to API key credentials. */
const sessionRequired = { 403: jsonContent(ErrorSchema, "session_required: API key credentials.") };

export const signupRoute = createRoute({
  method: "post",
  path: "/auth/signup",
  operationId: "auth.signup",
  security: publicRoute,
  tags: ["Authentication"],
  summary: "Sign up a merchant",
  description:
    "Starts a sign-up. The answer is the same whether or not the email already has an account: a new email receives a verification token (POST /auth/signup/verify), an existing account's owner is told by email. Limited per client IP.",
  request: { body: jsonBody(signupBody) },
  responses: {
    202: jsonContent(signupAcceptedSchema, "Check your email for the next step."),
    ...writeErrors,
  },
});

export const verifySignupRoute = createRoute({
  method: "post",
  path: "/auth/signup/verify",
  operationId: "auth.verifySignup",
  security: publicRoute,
  tags: ["Authentication"],
  summary: "Finish a sign-up",
  description:
    "Takes the token from the verification email, creates the merchant and its first dashboard user, and logs the user in.",
  request: { body: jsonBody(verifySignupBody) },
  responses: { 200: jsonContent(sessionSchema, "The new session."), ...writeErrors },
});

export const loginRoute = createRoute({
  method: "post",
  path: "/auth/sessions",
  operationId: "sessions.create",
  security: publicRoute,
  tags: ["Authentication"],
  summary: "Log in",
  description: "Returns a Bearer token for the dashboard. Attempts are rate limited per email.",
  request: { body: jsonBody(loginBody) },
  responses: { 200: jsonContent(sessionSchema, "The new session."), ...writeErrors },
});

export const logoutRoute = createRoute({
  method: "delete",
  path: "/auth/sessions/current",
  operationId: "sessions.delete",
  tags: ["Authentication"],
  summary: "Log out",
  security: bearer,
  middleware: [requireSession] as const,
  responses: {
    200: jsonContent(revokedSessionSchema, "The session is revoked."),
    ...commonErrors,
    ...sessionRequired,
  },
});

export const createApiKeyRoute = createRoute({
  method: "post",
  path: "/api-keys",
  operationId: "apiKeys.create",
  tags: ["Authentication"],
  summary: "Create an API key pair",
  description: "The secret is returned once and stored only as a hash.",
  security: bearer,
  middleware: [requireSession] as const,
  request: { body: jsonBody(createApiKeyBody) },
  responses: {
    200: jsonContent(apiKeyWithSecretSchema, "The key with its secret."),
    ...writeErrors,
    ...sessionRequired,
  },
});

export const listApiKeysRoute = createRoute({
  method: "get",
  path: "/api-keys",
  operationId: "apiKeys.list",
  tags: ["Authentication"],
  summary: "List API keys",
  security: bearer,
  middleware: [requireSession] as const,
  request: { query: listApiKeysQuery },
  responses: {
    200: jsonContent(listSchema(apiKeySchema, "ApiKeyList"), "Newest first."),
    ...commonErrors,
    ...sessionRequired,
  },
});

export const rollApiKeyRoute = createRoute({
  method: "post",
  path: "/api-keys/{id}/roll",
  operationId: "apiKeys.roll",
  tags: ["Authentication"],
  summary: "Roll an API key",
  description: "Issues a new secret under a new key id; the old key stops now or after expires_in_seconds.",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: apiKeyIdParams, body: jsonBody(rollApiKeyBody) },
  responses: {
    200: jsonContent(apiKeyWithSecretSchema, "The replacement key with its secret."),
    ...writeErrors,
    ...sessionRequired,
  },
});

export const revokeApiKeyRoute = createRoute({
  method: "post",
  path: "/api-keys/{id}/revoke",
  operationId: "apiKeys.revoke",
  tags: ["Authentication"],
  summary: "Revoke an API key",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: apiKeyIdParams },
  responses: { 200: jsonContent(apiKeySchema, "The revoked key."), ...writeErrors, ...sessionRequired },
});
