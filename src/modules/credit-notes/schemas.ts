import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { MAX_AMOUNT } from "../../core/money";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";

const objectId = (example: string) => z.string().min(1).max(255).openapi({ example });

const reasons = ["duplicate", "fraudulent", "order_change", "product_unsatisfactory"] as const;
const lineTypes = ["invoice_line_item", "custom_line_item"] as const;

/** Zero allowed: a paid invoice's note may give everything back one way and nothing the other. */
const nonNegativeAmount = z.number().int().min(0).max(MAX_AMOUNT);

const invoiceLineItemLine = z
  .object({
    type: z.literal("invoice_line_item"),
    invoice_line_item: objectId("ii_3kTq9yQy7yJ4pQz2Xb8w1LmN").openapi({
      description: "The invoice line, named by its invoice item (the line's invoice_item).",
    }),
    quantity: z.number().int().min(1).max(1_000_000).optional().openapi({
      description: "How many of the line's units to credit, at the line's unit price.",
    }),
    amount: positiveAmount.optional().openapi({
      description: "Or an amount of the line. Neither: the whole line.",
    }),
  })
  .strict();

const customLine = z
  .object({
    type: z.literal("custom_line_item"),
    description: z.string().min(1).max(500),
    amount: positiveAmount,
  })
  .strict();

export const creditNoteBody = z
  .object({
    invoice: objectId("in_3kTq9yQy7yJ4pQz2Xb8w1LmN").openapi({
      description: "A finalized invoice: open, paid or uncollectible.",
    }),
    lines: z
      .array(z.discriminatedUnion("type", [invoiceLineItemLine, customLine]))
      .min(1)
      .max(100)
      .optional()
      .openapi({
        description: "What is credited; the note's total is their sum. Or amount, not both.",
      }),
    amount: positiveAmount.optional().openapi({ description: "The total as one custom line; or lines." }),
    reason: z.enum(reasons).optional(),
    memo: z.string().max(5000).optional(),
    refund_amount: nonNegativeAmount.optional().openapi({
      description:
        "Paid invoices only: refunded on the invoice's payment. Default: the total less out_of_band_amount when the invoice was paid through a payment, else 0.",
    }),
    out_of_band_amount: nonNegativeAmount.optional().openapi({
      description:
        "Paid invoices only: given back outside MagnetPay (no ledger posting). refund_amount + out_of_band_amount = total. Default: what refund_amount leaves.",
    }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateCreditNote");

export type CreditNoteInput = z.infer<typeof creditNoteBody>;

const creditNoteLineSchema = z
  .object({
    type: z.enum(lineTypes),
    invoice_line_item: z.string().nullable(),
    description: z.string().nullable(),
    quantity: z.number().int().nullable(),
    amount: z.number().int(),
  })
  .openapi("CreditNoteLine");

export const creditNoteSchema = z
  .object({
    id: z.string().openapi({ example: "cn_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("credit_note"),
    environment: environmentSchema,
    number: z.string().openapi({
      example: "INV-0001-CN-01",
      description: "The invoice's number, -CN-, and the note's sequence on that invoice.",
    }),
    invoice: z.string(),
    customer: z.string(),
    currency: z.string(),
    status: z.enum(["issued", "void"]),
    type: z.enum(["pre_payment", "post_payment"]).openapi({
      description:
        "pre_payment: lowered what an open or uncollectible invoice owes; post_payment: gave back part of what a paid invoice got.",
    }),
    lines: z.array(creditNoteLineSchema),
    amount: z.number().int().openapi({ description: "The same as total (Stripe's name)." }),
    total: z.number().int().openapi({ description: "The sum of the lines." }),
    pre_payment_amount: z.number().int(),
    post_payment_amount: z.number().int(),
    refund_amount: z.number().int(),
    out_of_band_amount: z.number().int(),
    refund: z
      .string()
      .nullable()
      .openapi({ description: "The refund of the invoice's payment it made, if any." }),
    reason: z.enum(reasons).nullable(),
    memo: z.string().nullable(),
    voided_at: timestamp.nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("CreditNote");

export type CreditNote = z.infer<typeof creditNoteSchema>;

export const creditNoteIdParams = idParams("cn_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listCreditNotesQuery = listQuerySchema.extend({
  invoice: z.string().min(1).max(255).optional(),
  customer: z.string().min(1).max(255).optional(),
});

export type ListCreditNotesQuery = z.infer<typeof listCreditNotesQuery>;
