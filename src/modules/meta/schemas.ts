import { z } from "@hono/zod-openapi";

export const errorCodeSchema = z
  .object({
    code: z.string(),
    type: z.string(),
    status: z.number(),
    message: z.string(),
    description: z.string(),
    doc_url: z.string(),
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
