import { z } from "@hono/zod-openapi";
import { timestamp } from "../../core/schemas";

export const statusDocumentSchema = z
  .object({
    id: z.string().openapi({ example: "fdep_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.string().openapi({ example: "funding_deposit" }),
    status: z.string().openapi({ example: "credited" }),
    amount: z.number().int(),
    currency: z.string(),
    updated_at: timestamp,
    timeline: z.array(z.object({ status: z.string(), at: timestamp })).openapi({
      description: "Every status the object went through, oldest first.",
    }),
  })
  .openapi("StatusDocument");

export const objectIdParams = z.object({
  object_id: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: "object_id", in: "path" }, example: "fdep_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
});

export const payoutIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: "id", in: "path" }, example: "po_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
});

export const paymentIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: "id", in: "path" }, example: "pay_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
});

export const bankTransferIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: "id", in: "path" }, example: "bt_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
});
