import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";
import { paymentMethodTypes } from "./catalog";

const methodTypeNames = paymentMethodTypes.map((method) => method.type) as [string, ...string[]];

export const cardInputSchema = z
  .object({
    number: z
      .string()
      .regex(/^[\d -]{12,23}$/, "Digits, optionally grouped with spaces or dashes.")
      .openapi({ example: "4242424242424242" }),
    exp_month: z.number().int().openapi({ example: 12, minimum: 1, maximum: 12 }),
    exp_year: z.number().int().openapi({ example: 2030 }),
    cvc: z.string().max(4).optional().openapi({ example: "123" }),
    holder_name: z.string().max(200).optional(),
  })
  .strict()
  .openapi("CardInput");

export const billingDetailsSchema = z
  .object({
    name: z.string().max(200).nullish(),
    email: z.email().max(320).nullish(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "Use an upper-case ISO 3166-1 alpha-2 country code.")
      .nullish(),
  })
  .strict()
  .openapi("BillingDetails");

const upiInputSchema = z
  .object({ vpa: z.string().max(100).openapi({ example: "success@upi" }) })
  .strict()
  .openapi("UpiInput");

const otherMethodTypes = methodTypeNames.filter((type) => type !== "card" && type !== "upi") as [
  string,
  ...string[],
];

/**
 * The members of the method-data union: `type` picks one, `card` and `upi` carry their details,
 * every other type none. `extra` adds the same fields to each member (e.g. `customer`).
 */
function methodDataMembers<Extra extends z.ZodRawShape>(extra: Extra, name: string) {
  return [
    z
      .object({
        type: z.literal("card"),
        card: cardInputSchema,
        billing_details: billingDetailsSchema.optional(),
        ...extra,
      })
      .strict()
      .openapi(`${name}Card`),
    z
      .object({
        type: z.literal("upi"),
        upi: upiInputSchema,
        billing_details: billingDetailsSchema.optional(),
        ...extra,
      })
      .strict()
      .openapi(`${name}Upi`),
    z
      .object({ type: z.enum(otherMethodTypes), billing_details: billingDetailsSchema.optional(), ...extra })
      .strict()
      .openapi(`${name}Local`, {
        description: "Local methods and bank transfers: no details beyond billing.",
      }),
  ] as const;
}

export const paymentMethodDataSchema = z
  .discriminatedUnion("type", methodDataMembers({}, "PaymentMethodData"))
  .openapi("PaymentMethodData");

export type PaymentMethodData = z.infer<typeof paymentMethodDataSchema>;

export const createPaymentMethodBody = z
  .discriminatedUnion(
    "type",
    methodDataMembers(
      {
        customer: z
          .string()
          .regex(/^cus_[0-9A-Za-z]+$/, "Must be a customer id (cus_...).")
          .optional(),
        metadata: metadataSchema.optional(),
      },
      "CreatePaymentMethod",
    ),
  )
  .openapi("CreatePaymentMethod");

export type CreatePaymentMethodInput = z.infer<typeof createPaymentMethodBody>;

export const attachBody = z
  .object({
    customer: z.string().regex(/^cus_[0-9A-Za-z]+$/, "Must be a customer id (cus_...)."),
    set_default: z.boolean().optional(),
  })
  .strict()
  .openapi("AttachPaymentMethod");

export const cardSchema = z
  .object({
    brand: z.string(),
    last4: z.string(),
    exp_month: z.number().int(),
    exp_year: z.number().int(),
    country: z.string().nullable(),
    funding: z.string(),
    fingerprint: z.string(),
    holder_name: z.string().nullable(),
  })
  .openapi("Card");

export const paymentMethodSchema = z
  .object({
    id: z.string().openapi({ example: "pm_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("payment_method"),
    environment: environmentSchema,
    type: z.string(),
    customer: z.string().nullable(),
    card: cardSchema.nullable(),
    upi: z.object({ vpa: z.string() }).nullable(),
    billing_details: z.object({
      name: z.string().nullable(),
      email: z.string().nullable(),
      country: z.string().nullable(),
    }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
  })
  .openapi("PaymentMethod");

export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

export const methodTypeSchema = z
  .object({
    object: z.literal("payment_method_type"),
    type: z.string(),
    name: z.string(),
    flow: z.string(),
    countries: z.array(z.string()),
    currencies: z.array(z.string()),
    refundable: z.boolean(),
    manual_capture: z.boolean(),
  })
  .openapi("PaymentMethodType");

export const methodTypeListSchema = z
  .object({
    object: z.literal("list"),
    data: z.array(methodTypeSchema),
    has_more: z.boolean(),
    url: z.string(),
  })
  .openapi("PaymentMethodTypeList");

export const paymentMethodIdParams = idParams("pm_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const customerIdParams = idParams("cus_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const listPaymentMethodsQuery = listQuerySchema.extend({
  customer: z.string().max(255).optional(),
  type: z.string().max(40).optional(),
});
export const customerMethodsQuery = listQuerySchema.extend({ type: z.string().max(40).optional() });
