import { z } from "@hono/zod-openapi";

export const errorCodeSchema = z
  .object({
    code: z.string(),
    type: z.string(),
    status: z.number(),
    message: z.string(),
    description: z.string(),
    doc_url: z.string(),
    extra_fields: z.array(z.string()).openapi({
      description: "Fields of the error object that appear with this code beyond the common ones.",
      example: ["decline_code", "payment_id"],
    }),
  })
  .openapi("ErrorCode");

export const errorCodeListSchema = z
  .object({
    object: z.literal("list"),
    data: z.array(errorCodeSchema),
    has_more: z.literal(false),
    url: z.string(),
  })
  .openapi("ErrorCodeList");
