import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";

export const createRefundBody = z
  .object({
    amount: positiveAmount.optional().openapi({ description: "Defaults to what is left to refund." }),
    reason: z.enum(["duplicate", "fraudulent", "requested_by_customer"]).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateRefund");

export type CreateRefundInput = z.infer<typeof createRefundBody>;

export const refundStatuses = ["pending", "succeeded", "failed", "canceled"] as const;

export const refundSchema = z
  .object({
    id: z.string().openapi({ example: "re_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("refund"),
    environment: environmentSchema,
    payment: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(refundStatuses),
    reason: z.string().nullable(),
    provider: z.string(),
    failure_code: z.string().nullable(),
    pending_reason: z
      .enum(["insufficient_funds", "processing", "provider_outcome_unknown"])
      .nullable()
      .openapi({
        description:
          "Set while status is pending. insufficient_funds: neither the payment's pending funds, available, nor the merchant's negative-balance limit cover it yet; it is sent when funds arrive (refund.updated). processing: sent, the provider has not finished. provider_outcome_unknown: the provider's answer did not arrive; it is sent again with the same idempotency key.",
      }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Refund");

export type Refund = z.infer<typeof refundSchema>;

export const refundIdParams = idParams("re_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const paymentIdParams = idParams("pay_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const listRefundsQuery = listQuerySchema.extend({
  payment: z.string().max(255).optional(),
  status: z.enum(refundStatuses).optional(),
});
export type ListRefundsQuery = z.infer<typeof listRefundsQuery>;
