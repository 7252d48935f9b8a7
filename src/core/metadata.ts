import { z } from "@hono/zod-openapi";

export const METADATA_MAX_KEYS = 50;
export const METADATA_MAX_KEY_LENGTH = 40;
export const METADATA_MAX_VALUE_LENGTH = 500;

/** JSON Schema 2020-12 `propertyNames`, which the metadata types of zod-to-openapi do not list. */
const keyBounds: Record<string, unknown> = {
  propertyNames: { minLength: 1, maxLength: METADATA_MAX_KEY_LENGTH },
};

/** Stripe-style metadata: string keys and values, bounded so it can't be used as storage. */
export const metadataSchema = z
  .record(z.string().min(1).max(METADATA_MAX_KEY_LENGTH), z.string().max(METADATA_MAX_VALUE_LENGTH))
  .refine((value) => Object.keys(value).length <= METADATA_MAX_KEYS, {
    message: `Metadata holds at most ${METADATA_MAX_KEYS} keys.`,
    params: { code: "metadata_invalid" },
  })
  .openapi("Metadata", {
    description: `Up to ${METADATA_MAX_KEYS} keys of at most ${METADATA_MAX_KEY_LENGTH} characters, values of at most ${METADATA_MAX_VALUE_LENGTH} characters.`,
    example: { order_id: "6735" },
    maxProperties: METADATA_MAX_KEYS,
    ...keyBounds,
  });
