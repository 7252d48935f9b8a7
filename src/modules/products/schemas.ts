import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";

const imageUrl = z.url({ protocol: /^https?$/ }).max(2048);

const productFields = {
  name: z.string().trim().min(1).max(250),
  description: z.string().max(5000).nullish(),
  images: z.array(imageUrl).max(8).optional().openapi({ description: "Up to 8 image URLs (http or https)." }),
  active: z.boolean().optional(),
  tax_code: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "Letters, digits, '_', '.' and '-', at most 64.")
    .nullish()
    .openapi({ example: "txcd_10000000", description: "The tax category the product is sold under." }),
  metadata: metadataSchema.optional(),
};

export const createProductBody = z.object(productFields).strict().openapi("CreateProduct");
export const updateProductBody = z
  .object({ ...productFields, name: productFields.name.optional() })
  .strict()
  .openapi("UpdateProduct");

export type CreateProductInput = z.infer<typeof createProductBody>;
export type UpdateProductInput = z.infer<typeof updateProductBody>;

export const productSchema = z
  .object({
    id: z.string().openapi({ example: "prod_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("product"),
    environment: environmentSchema,
    name: z.string(),
    description: z.string().nullable(),
    images: z.array(z.string()),
    active: z.boolean(),
    tax_code: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Product");

export type Product = z.infer<typeof productSchema>;

export const productIdParams = idParams("prod_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listProductsQuery = listQuerySchema.extend({
  active: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ description: "Only active (true) or archived (false) products." }),
});
