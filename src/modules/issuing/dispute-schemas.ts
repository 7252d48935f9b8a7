import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";
import { disputeReasons } from "./tables";

const disputeStatuses = ["unsubmitted", "submitted", "won", "lost"] as const;

const evidenceInput = z
  .object({
    explanation: z
      .string()
      .min(1)
      .max(5000)
      .optional()
      .openapi({ description: "The cardholder's account of what happened. Required to submit." }),
    original_transaction: z.string().min(1).max(255).optional().openapi({
      description:
        "`duplicate` disputes: the other capture of the same card that charged for the same thing.",
      example: "ipi_3kTq9yQy7yJ4pQz2Xb8w1LmN",
    }),
  })
  .strict()
  .openapi("IssuingDisputeEvidenceInput");

export const createDisputeBody = z
  .object({
    transaction: z.string().min(1).max(255).openapi({ example: "ipi_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    reason: z.enum(disputeReasons),
    amount: positiveAmount
      .optional()
      .openapi({ description: "Default: all of the capture that is neither refunded nor disputed." }),
    evidence: evidenceInput.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateIssuingDispute");

export type CreateDisputeInput = z.infer<typeof createDisputeBody>;

export const updateDisputeBody = z
  .object({
    reason: z.enum(disputeReasons).optional(),
    amount: positiveAmount.optional(),
    evidence: evidenceInput.optional().openapi({ description: "Merged into the evidence given so far." }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("UpdateIssuingDispute");

export type UpdateDisputeInput = z.infer<typeof updateDisputeBody>;

export const resolveDisputeBody = z
  .object({
    outcome: z.enum(["won", "lost"]).openapi({ description: "`won` gives the amount back to the card." }),
  })
  .strict()
  .openapi("SimulateIssuingDisputeResolution");

export const disputeSchema = z
  .object({
    id: z.string().openapi({ example: "idp_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("issuing_dispute"),
    environment: environmentSchema,
    transaction: z.string(),
    card: z.string(),
    status: z.enum(disputeStatuses),
    reason: z.enum(disputeReasons),
    amount: z.number().int(),
    currency: z.string(),
    evidence: z.object({
      explanation: z.string().nullable(),
      original_transaction: z.string().nullable(),
    }),
    ledger_transaction: z
      .string()
      .nullable()
      .openapi({ description: "Once won: the posting that gave the amount back." }),
    metadata: z.record(z.string(), z.string()),
    submitted_at: timestamp.nullable(),
    closed_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .openapi("IssuingDispute");

export type IssuingDispute = z.infer<typeof disputeSchema>;

export const disputeIdParams = idParams("idp_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listDisputesQuery = listQuerySchema.extend({
  transaction: z.string().max(255).optional(),
  status: z.enum(disputeStatuses).optional(),
});
