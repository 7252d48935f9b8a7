import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";

const objectId = (example: string) => z.string().min(1).max(255).openapi({ example });

export const createInvoiceItemBody = z
  .object({
    customer: objectId("cus_3kTq9yQy7yJ4pQz2Xb8w1LmN"),
    amount: positiveAmount.optional().openapi({ description: "The line's amount; or price (and quantity)." }),
    currency: currencyCode.optional().openapi({ description: "With amount; a price brings its own." }),
    price: objectId("price_3kTq9yQy7yJ4pQz2Xb8w1LmN")
      .optional()
      .openapi({ description: "A one-time price: the line costs what the price asks for quantity." }),
    quantity: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .openapi({ description: "With price; default 1." }),
    description: z.string().max(500).optional(),
    tax_rates: z
      .array(objectId("txr_3kTq9yQy7yJ4pQz2Xb8w1LmN"))
      .max(5)
      .optional()
      .openapi({ description: "Up to five tax rates, all inclusive or all exclusive." }),
    discountable: z
      .boolean()
      .optional()
      .openapi({ description: "Whether an invoice coupon applies; default true." }),
    invoice: objectId("in_3kTq9yQy7yJ4pQz2Xb8w1LmN").optional().openapi({
      description:
        "A draft invoice of the customer (a subscription renewal's, before it finalizes) that takes the item at once; without it the item waits for the next invoice.",
    }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateInvoiceItem");

export type CreateInvoiceItemInput = z.infer<typeof createInvoiceItemBody>;

export const invoiceItemSchema = z
  .object({
    id: z.string().openapi({ example: "ii_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("invoiceitem"),
    environment: environmentSchema,
    customer: z.string(),
    invoice: z
      .string()
      .nullable()
      .openapi({ description: "Null while pending: the next invoice pulls it in." }),
    amount: z.number().int(),
    currency: z.string(),
    quantity: z.number().int(),
    unit_amount: z.number().int().nullable(),
    price: z.string().nullable(),
    description: z.string().nullable(),
    tax_rates: z.array(z.string()),
    discountable: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("InvoiceItem");

export type InvoiceItem = z.infer<typeof invoiceItemSchema>;

export const invoiceItemIdParams = idParams("ii_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listInvoiceItemsQuery = listQuerySchema.extend({
  customer: z.string().min(1).max(255).optional(),
  invoice: z.string().min(1).max(255).optional(),
  pending: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ description: "Only items not yet on an invoice (true), or only those on one (false)." }),
});

export type ListInvoiceItemsQuery = z.infer<typeof listInvoiceItemsQuery>;
