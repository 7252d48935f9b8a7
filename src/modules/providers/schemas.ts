import { z } from "@hono/zod-openapi";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";

const countryCode = z.string().regex(/^[A-Z]{2}$/, "Use an upper-case ISO 3166-1 alpha-2 country code.");

export const stripeCredentialsSchema = z
  .object({
    secret_key: z.string().min(8).max(255).openapi({ example: "sk_test_…" }),
    webhook_secret: z.string().min(8).max(255).openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
  })
  .strict()
  .openapi("StripeCredentials");

export const createConnectionBody = z
  .object({
    provider: z.string().min(1).max(40).openapi({ example: "stripe" }),
    enabled: z.boolean().optional(),
    credentials: stripeCredentialsSchema.optional(),
    /** Overrides Stripe's API base URL (development: a local mock). */
    api_base_url: z.url().max(255).optional(),
  })
  .strict()
  .openapi("CreateProviderConnection");

export const updateConnectionBody = z
  .object({ enabled: z.boolean().optional(), credentials: stripeCredentialsSchema.optional() })
  .strict()
  .openapi("UpdateProviderConnection");

export type CreateConnectionInput = z.infer<typeof createConnectionBody>;
export type UpdateConnectionInput = z.infer<typeof updateConnectionBody>;

const feeScheduleSchema = z.object({
  percent_bps: z.number().int(),
  fixed: z.record(z.string(), z.number().int()),
  default_fixed: z.number().int(),
  method_bps: z.record(z.string(), z.number().int()),
});

export const connectionSchema = z
  .object({
    id: z.string().openapi({ example: "pcon_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("provider_connection"),
    environment: environmentSchema,
    provider: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    methods: z.array(z.string()),
    currencies: z.array(z.string()),
    countries: z.array(z.string()),
    fee_schedule: feeScheduleSchema,
    settlement_delay_days: z.number().int(),
    credentials: z.object({ set: z.boolean(), secret_key_last4: z.string().nullable() }),
    webhook_url: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("ProviderConnection");

export type Connection = z.infer<typeof connectionSchema>;

export const deletedConnectionSchema = z
  .object({ id: z.string(), object: z.literal("provider_connection"), deleted: z.literal(true) })
  .openapi("DeletedProviderConnection");

export const connectionIdParams = idParams("pcon_3kTq9yQy7yJ4pQz2Xb8w1LmN");

const routingRuleFields = {
  action: z.enum(["pin", "exclude", "split"]),
  provider: z.string().min(1).max(40),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .nullish(),
  country: countryCode.nullish(),
  percentage: z.number().int().min(1).max(99).nullish(),
};

/** A percentage belongs to split rules only; pin and exclude rules take none (or null). */
export const routingRuleBody = z
  .discriminatedUnion("action", [
    z
      .object({
        ...routingRuleFields,
        action: z.literal("split"),
        percentage: z.number().int().min(1).max(99),
      })
      .strict()
      .openapi("CreateSplitRoutingRule"),
    z
      .object({ ...routingRuleFields, action: z.enum(["pin", "exclude"]), percentage: z.null().optional() })
      .strict()
      .openapi("CreatePinOrExcludeRoutingRule"),
  ])
  .openapi("CreateRoutingRule");

export type RoutingRuleInput = z.infer<typeof routingRuleBody>;

/** Only the fields sent change; null clears currency, country or percentage. */
export const updateRoutingRuleBody = z
  .object({
    action: routingRuleFields.action.optional(),
    provider: routingRuleFields.provider.optional(),
    currency: routingRuleFields.currency,
    country: routingRuleFields.country,
    percentage: routingRuleFields.percentage,
  })
  .strict()
  .openapi("UpdateRoutingRule");

export type UpdateRoutingRuleInput = z.infer<typeof updateRoutingRuleBody>;

export const routingRuleSchema = z
  .object({
    id: z.string().openapi({ example: "rr_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("routing_rule"),
    environment: environmentSchema,
    action: z.enum(["pin", "exclude", "split"]),
    provider: z.string(),
    currency: z.string().nullable(),
    country: z.string().nullable(),
    percentage: z.number().int().nullable(),
    created_at: timestamp,
  })
  .openapi("RoutingRule");

export type RoutingRuleObject = z.infer<typeof routingRuleSchema>;

export const deletedRoutingRuleSchema = z
  .object({ id: z.string(), object: z.literal("routing_rule"), deleted: z.literal(true) })
  .openapi("DeletedRoutingRule");

export const routingRuleIdParams = idParams("rr_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const listQuery = listQuerySchema;
