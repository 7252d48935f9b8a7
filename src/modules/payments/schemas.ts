import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";
import { cardSchema, paymentMethodDataSchema } from "../payment-methods/schemas";
import { paymentStatuses, processingReasons } from "./tables";

const paymentMethodId = z.string().regex(/^pm_[0-9A-Za-z]+$/, "Must be a payment method id (pm_...).");
const returnUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const createPaymentBody = z
  .object({
    amount: positiveAmount,
    currency: currencyCode,
    customer: z
      .string()
      .regex(/^cus_[0-9A-Za-z]+$/, "Must be a customer id (cus_...).")
      .optional(),
    payment_method: paymentMethodId.optional(),
    payment_method_data: paymentMethodDataSchema.optional(),
    capture_method: z.enum(["automatic", "manual"]).default("automatic"),
    confirm: z.boolean().default(false),
    description: z.string().max(1000).optional(),
    statement_descriptor: z
      .string()
      .regex(/^[^<>\\'"*]{5,22}$/, "5 to 22 characters, without < > \\ ' \" *.")
      .optional(),
    metadata: metadataSchema.optional(),
    return_url: returnUrl.optional(),
  })
  .strict()
  .openapi("CreatePayment");

export type CreatePaymentInput = z.infer<typeof createPaymentBody>;

export const confirmPaymentBody = z
  .object({
    payment_method: paymentMethodId.optional(),
    payment_method_data: paymentMethodDataSchema.optional(),
    return_url: returnUrl.optional(),
  })
  .strict()
  .openapi("ConfirmPayment");

export type ConfirmPaymentInput = z.infer<typeof confirmPaymentBody>;

export const capturePaymentBody = z
  .object({ amount_to_capture: positiveAmount.optional() })
  .strict()
  .openapi("CapturePayment");

export const cancelPaymentBody = z
  .object({
    cancellation_reason: z.enum(["duplicate", "fraudulent", "requested_by_customer", "abandoned"]).optional(),
  })
  .strict()
  .openapi("CancelPayment");

export const sandboxCompleteBody = z
  .object({ outcome: z.enum(["succeeded", "failed"]) })
  .strict()
  .openapi("SandboxCompletePayment");

const nextActionSchema = z
  .object({
    type: z.string(),
    url: z.string().optional(),
    reference: z.string().optional(),
    qr_data: z.string().optional(),
    expires_at: z.string().optional(),
  })
  .openapi("PaymentNextAction");

const routingSchema = z
  .object({
    provider: z.string().nullable(),
    reason: z.string(),
    candidates: z.array(
      z.object({
        provider: z.string(),
        eligible: z.boolean(),
        estimated_fee: z.number().int().nullable(),
        reason: z.string(),
      }),
    ),
    attempts: z.array(z.object({ provider: z.string(), outcome: z.string(), code: z.string().nullable() })),
  })
  .openapi("PaymentRouting");

export const paymentSchema = z
  .object({
    id: z.string().openapi({ example: "pay_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("payment"),
    environment: environmentSchema,
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(paymentStatuses),
    processing_reason: z.enum(processingReasons).nullable().openapi({
      description:
        "Set while status is processing. provider_outcome_unknown: a provider call may have charged but gave no definite answer (timeout, 5xx); MagnetPay resolves it with the same provider and idempotency key or by reading the provider's object, never by charging elsewhere. Do not retry with a new payment. awaiting_provider: the method settles later (bank debits).",
    }),
    capture_method: z.enum(["automatic", "manual"]),
    customer: z.string().nullable(),
    payment_method: z.string().nullable(),
    payment_method_type: z.string().nullable(),
    payment_method_details: z
      .object({
        type: z.string(),
        card: cardSchema.nullable(),
        upi: z.object({ vpa: z.string() }).nullable(),
      })
      .nullable(),
    country: z.string().nullable(),
    amount_capturable: z.number().int(),
    amount_received: z.number().int(),
    amount_refunded: z.number().int(),
    fee: z
      .number()
      .int()
      .openapi({ description: "The provider's fee on amount_received (estimated until captured)." }),
    net: z.number().int(),
    description: z.string().nullable(),
    statement_descriptor: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    return_url: z.string().nullable(),
    next_action: nextActionSchema.nullable(),
    routing: routingSchema.nullable(),
    provider: z.string().nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    decline_code: z.string().nullable(),
    cancellation_reason: z.string().nullable(),
    canceled_at: timestamp.nullable(),
    available_on: timestamp.nullable(),
    settled: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Payment");

export type Payment = z.infer<typeof paymentSchema>;

export const paymentIdParams = idParams("pay_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listPaymentsQuery = listQuerySchema.extend({
  status: z.enum(paymentStatuses).optional(),
  customer: z.string().max(255).optional(),
  payment_method_type: z.string().max(40).optional(),
  currency: currencyCode.optional(),
});
export type ListPaymentsQuery = z.infer<typeof listPaymentsQuery>;
