import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { addressSchema, currencyCode, environmentSchema, idParams, timestamp } from "../../core/schemas";

export const taxIdSchema = z
  .object({
    type: z.string().min(2).max(20).openapi({ example: "eu_vat" }),
    value: z.string().min(1).max(50),
  })
  .strict()
  .openapi("TaxId");

const customerFields = {
  email: z.email().max(320).nullish(),
  name: z.string().max(256).nullish(),
  phone: z.string().max(32).nullish(),
  description: z.string().max(1000).nullish(),
  address: addressSchema.nullish(),
  preferred_currency: currencyCode.nullish(),
  invoice_email: z.email().max(320).nullish(),
  tax_ids: z.array(taxIdSchema).max(10).optional(),
  default_payment_method: z
    .string()
    .regex(/^pm_[0-9A-Za-z]+$/, "Must be a payment method id (pm_...).")
    .nullish(),
  metadata: metadataSchema.optional(),
};

export const createCustomerBody = z
  .object({
    ...customerFields,
    test_clock: z.string().min(1).max(255).optional().openapi({
      description:
        "Sandbox: a test clock (clock_…) the customer and its subscriptions live on. Fixed once created.",
    }),
  })
  .strict()
  .openapi("CreateCustomer");
export const updateCustomerBody = z.object(customerFields).strict().openapi("UpdateCustomer");

export type CreateCustomerInput = z.infer<typeof createCustomerBody>;
export type UpdateCustomerInput = z.infer<typeof updateCustomerBody>;

export const customerSchema = z
  .object({
    id: z.string().openapi({ example: "cus_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("customer"),
    environment: environmentSchema,
    email: z.string().nullable(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    description: z.string().nullable(),
    address: addressSchema.nullable(),
    preferred_currency: z.string().nullable(),
    invoice_email: z.string().nullable(),
    tax_ids: z.array(taxIdSchema),
    default_payment_method: z.string().nullable(),
    test_clock: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Customer");

export type Customer = z.infer<typeof customerSchema>;

export const deletedCustomerSchema = z
  .object({ id: z.string(), object: z.literal("customer"), deleted: z.literal(true) })
  .openapi("DeletedCustomer");

export const customerIdParams = idParams("cus_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listCustomersQuery = listQuerySchema.extend({
  email: z.string().max(320).optional().openapi({ description: "Exact email, case-insensitive." }),
});
