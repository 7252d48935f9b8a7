import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, timestamp } from "../../core/schemas";

const objectId = (example: string) => z.string().min(1).max(255).openapi({ example });

const statuses = ["draft", "open", "paid", "void", "uncollectible"] as const;
const collectionMethods = ["charge_automatically", "send_invoice"] as const;

export const createInvoiceBody = z
  .object({
    customer: objectId("cus_3kTq9yQy7yJ4pQz2Xb8w1LmN"),
    currency: currencyCode.optional().openapi({
      description: "Which pending items to pull in; needed when they are in several currencies.",
    }),
    collection_method: z
      .enum(collectionMethods)
      .optional()
      .openapi({ description: "Default charge_automatically." }),
    days_until_due: z
      .number()
      .int()
      .min(0)
      .max(365)
      .optional()
      .openapi({ description: "With send_invoice: the due date is this many days after finalization." }),
    coupon: objectId("co_3kTq9yQy7yJ4pQz2Xb8w1LmN")
      .optional()
      .openapi({ description: "Discounts the discountable lines; counts as one redemption of the coupon." }),
    description: z.string().max(1000).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateInvoice");

export type CreateInvoiceInput = z.infer<typeof createInvoiceBody>;

export const markPaidBody = z
  .object({
    reference: z.string().min(1).max(255).openapi({
      description: "What identifies the payment outside MagnetPay (a transfer's or cheque's reference).",
    }),
  })
  .strict()
  .openapi("MarkInvoicePaid");

export const payInvoiceBody = z
  .object({
    payment_method: objectId("pm_3kTq9yQy7yJ4pQz2Xb8w1LmN").optional().openapi({
      description: "A saved method of the customer; default the customer's default payment method.",
    }),
  })
  .strict()
  .openapi("PayInvoice");

export type PayInvoiceInput = z.infer<typeof payInvoiceBody>;

const invoiceLineSchema = z
  .object({
    invoice_item: z.string(),
    description: z.string().nullable(),
    amount: z.number().int(),
    quantity: z.number().int(),
    unit_amount: z.number().int().nullable(),
    price: z.string().nullable(),
    discountable: z.boolean(),
    discount_amount_precise: z.string().openapi({ description: "The line's exact share of the discount." }),
    tax_amounts: z.array(z.object({ tax_rate: z.string(), amount_precise: z.string() })),
  })
  .openapi("InvoiceLine");

const invoiceTaxSchema = z
  .object({
    tax_rate: z.string(),
    inclusive: z.boolean(),
    percentage: z.number(),
    amount: z.number().int().openapi({ description: "Rounded once over the whole invoice, half up." }),
    amount_precise: z.string(),
    taxable_amount_precise: z.string(),
  })
  .openapi("InvoiceTax");

export const invoiceSchema = z
  .object({
    id: z.string().openapi({ example: "in_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("invoice"),
    environment: environmentSchema,
    customer: z.string(),
    status: z.enum(statuses),
    number: z
      .string()
      .nullable()
      .openapi({ description: "Given at finalization: prefix, a dash, the next number." }),
    currency: z.string(),
    collection_method: z.enum(collectionMethods),
    days_until_due: z.number().int().nullable(),
    due_date: timestamp.nullable(),
    description: z.string().nullable(),
    coupon: z.string().nullable(),
    lines: z.array(invoiceLineSchema),
    taxes: z.array(invoiceTaxSchema),
    subtotal: z.number().int(),
    discount_amount: z.number().int(),
    total_excluding_tax: z.number().int(),
    tax: z.number().int().openapi({ description: "The sum of the rounded taxes, inclusive and exclusive." }),
    total: z.number().int(),
    amount_due: z
      .number()
      .int()
      .openapi({ description: "total less pre_payment_credit_notes_amount: what the customer owes in all." }),
    amount_paid: z.number().int(),
    amount_remaining: z.number().int(),
    pre_payment_credit_notes_amount: z.number().int().openapi({
      description: "What issued credit notes took off the invoice before it was paid (void notes excluded).",
    }),
    post_payment_credit_notes_amount: z.number().int().openapi({
      description:
        "What issued credit notes gave back after it was paid, refunded or out of band (void notes excluded).",
    }),
    paid_out_of_band: z.boolean(),
    payment_reference: z.string().nullable(),
    payment: z.string().nullable(),
    attempt_count: z.number().int(),
    hosted_invoice_url: z.string().nullable().openapi({
      description:
        "The customer's view of the invoice, without an API key (the token in the URL); JSON until hosted pages come. Null for a draft.",
    }),
    invoice_pdf: z.string().nullable().openapi({
      description: "Where the PDF is (GET /invoices/{id}/pdf, with the API's credentials); null for a draft.",
    }),
    automatically_finalizes_at: timestamp.nullable().openapi({
      description:
        "When a subscription's renewal draft is finalized and charged by itself (an hour after it was created); null once finalized and for drafts that wait for POST …/finalize.",
    }),
    status_transitions: z.object({
      finalized_at: timestamp.nullable(),
      paid_at: timestamp.nullable(),
      voided_at: timestamp.nullable(),
      marked_uncollectible_at: timestamp.nullable(),
    }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Invoice");

export type Invoice = z.infer<typeof invoiceSchema>;

export const invoiceIdParams = idParams("in_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listInvoicesQuery = listQuerySchema.extend({
  customer: z.string().min(1).max(255).optional(),
  status: z.enum(statuses).optional(),
});

export type ListInvoicesQuery = z.infer<typeof listInvoicesQuery>;

const reminderSettingsSchema = z
  .object({
    enabled: z.boolean(),
    before_due_days: z.array(z.number().int()).openapi({
      description:
        "Days before the due date a reminder is sent (invoice.will_be_due and an email), ascending.",
    }),
    after_due_days: z.array(z.number().int()).openapi({
      description: "Days after the due date a reminder is sent (invoice.overdue and an email), ascending.",
    }),
  })
  .openapi("InvoiceReminderSettings");

export const invoiceSettingsSchema = z
  .object({
    object: z.literal("invoice_settings"),
    environment: environmentSchema,
    number_prefix: z.string(),
    next_number: z.number().int().openapi({ description: "The number the next finalized invoice gets." }),
    reminders: reminderSettingsSchema.openapi({
      description:
        "Reminders of open send_invoice invoices with a due date; when several are past, only the latest is sent.",
    }),
  })
  .openapi("InvoiceSettings");

export type InvoiceSettings = z.infer<typeof invoiceSettingsSchema>;

const reminderDays = z
  .array(z.number().int().min(1).max(90))
  .max(5)
  .refine((days) => new Set(days).size === days.length, "Each day at most once.")
  .openapi({ description: "1 to 90 days each, at most 5, no day twice." });

export const updateInvoiceSettingsBody = z
  .object({
    number_prefix: z
      .string()
      .regex(/^[A-Z0-9]{3,12}$/, "3 to 12 upper-case letters or digits.")
      .optional()
      .openapi({
        example: "ACME",
        description: "3 to 12 upper-case letters or digits; numbering continues.",
      }),
    reminders: z
      .object({
        enabled: z.boolean().optional(),
        before_due_days: reminderDays.optional(),
        after_due_days: reminderDays.optional(),
      })
      .strict()
      .optional()
      .openapi({ description: "The fields given replace the current ones; the others stay." }),
  })
  .strict()
  .openapi("UpdateInvoiceSettings");

export type UpdateInvoiceSettingsInput = z.infer<typeof updateInvoiceSettingsBody>;

export const hostedInvoiceQuery = z.object({
  token: z.string().min(1).max(64).openapi({ description: "From the invoice's hosted_invoice_url." }),
});

export const hostedInvoiceSchema = z
  .object({
    id: z.string(),
    object: z.literal("hosted_invoice"),
    number: z.string().nullable(),
    status: z.enum(statuses),
    currency: z.string(),
    customer_name: z.string().nullable(),
    description: z.string().nullable(),
    due_date: timestamp.nullable(),
    lines: z.array(
      z.object({ description: z.string().nullable(), quantity: z.number().int(), amount: z.number().int() }),
    ),
    subtotal: z.number().int(),
    discount_amount: z.number().int(),
    taxes: z.array(z.object({ percentage: z.number(), inclusive: z.boolean(), amount: z.number().int() })),
    total: z.number().int(),
    amount_paid: z.number().int(),
    amount_remaining: z.number().int(),
    paid_at: timestamp.nullable(),
    paid_with: z
      .object({ type: z.string(), brand: z.string().nullable(), last4: z.string().nullable() })
      .nullable()
      .openapi({
        description: "The method of the payment that paid the invoice (null when paid out of band).",
      }),
  })
  .openapi("HostedInvoice");

export type HostedInvoice = z.infer<typeof hostedInvoiceSchema>;
