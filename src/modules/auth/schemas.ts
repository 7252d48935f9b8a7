import { z } from "@hono/zod-openapi";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";

export const signupBody = z
  .object({
    business_name: z.string().trim().min(1).max(200),
    email: z.email().max(320),
    password: z.string().min(12, "Use at least 12 characters.").max(256),
  })
  .strict()
  .openapi("Signup");

export const signupAcceptedSchema = z
  .object({
    object: z.literal("signup"),
    email: z.string(),
    status: z.literal("pending_verification"),
    message: z.string(),
  })
  .openapi("SignupAccepted");

export const verifySignupBody = z
  .object({
    token: z
      .string()
      .min(1)
      .max(100)
      .openapi({ description: "The token from the verification email.", example: "msv_…" }),
  })
  .strict()
  .openapi("VerifySignup");

export const loginBody = z
  .object({ email: z.email().max(320), password: z.string().min(1).max(256) })
  .strict()
  .openapi("Login");

export const merchantSchema = z
  .object({ id: z.string(), object: z.literal("merchant"), business_name: z.string(), created_at: timestamp })
  .openapi("Merchant");

export const userSchema = z
  .object({ id: z.string(), object: z.literal("user"), email: z.string(), created_at: timestamp })
  .openapi("User");

export const sessionSchema = z
  .object({
    object: z.literal("session"),
    token: z.string().openapi({ description: "Send as Authorization: Bearer <token>." }),
    expires_at: timestamp,
    merchant: merchantSchema,
    user: userSchema,
  })
  .openapi("Session");

export const revokedSessionSchema = z
  .object({ object: z.literal("session"), revoked: z.literal(true) })
  .openapi("RevokedSession");

export const createApiKeyBody = z
  .object({
    environment: environmentSchema,
    name: z.string().trim().min(1).max(100),
    rate_limit_per_second: z.number().int().min(1).max(10_000).optional().openapi({
      description:
        "This key's own limit, at most the environment default (higher only where the platform operator granted it); the environment default otherwise.",
    }),
  })
  .strict()
  .openapi("CreateApiKey");

export const rollApiKeyBody = z
  .object({
    expires_in_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(0)
      .openapi({ description: "How long the old key keeps working; 0 ends it now." }),
  })
  .strict()
  .openapi("RollApiKey");

export const apiKeySchema = z
  .object({
    id: z.string(),
    object: z.literal("api_key"),
    environment: environmentSchema,
    name: z.string(),
    key_id: z.string().openapi({ example: "mpk_test_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    secret_last4: z.string(),
    rate_limit_per_second: z.number().nullable(),
    status: z.enum(["active", "expiring", "revoked"]),
    expires_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .openapi("ApiKey");

export const apiKeyWithSecretSchema = apiKeySchema
  .extend({
    secret: z.string().nullable().openapi({
      description:
        "Shown once; store it now. A replay of the request (same Idempotency-Key) answers null here, with secret_redacted.",
    }),
    secret_redacted: z.literal(true).optional().openapi({
      description: "Present on an idempotent replay: the secret was shown once and is not kept.",
    }),
  })
  .openapi("ApiKeyWithSecret");

export const apiKeyIdParams = idParams("key_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listApiKeysQuery = z.object({ environment: environmentSchema.optional() });

export type SignupInput = z.infer<typeof signupBody>;
export type SignupAccepted = z.infer<typeof signupAcceptedSchema>;
export type LoginInput = z.infer<typeof loginBody>;
export type CreateApiKeyInput = z.infer<typeof createApiKeyBody>;
export type ApiKey = z.infer<typeof apiKeySchema>;
export type ApiKeyWithSecret = z.infer<typeof apiKeyWithSecretSchema>;
export type Session = z.infer<typeof sessionSchema>;
