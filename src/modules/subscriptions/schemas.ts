import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";
import { collectionMethods, dunningEndings, pauseBehaviors, subscriptionStatuses } from "./tables";

const isoTime = z.iso.datetime({ offset: true });
const priceId = z.string().min(1).max(255).openapi({ example: "price_3kTq9yQy7yJ4pQz2Xb8w1LmN" });
const quantity = z.number().int().min(1).max(1_000_000);

export const prorationBehaviors = ["create_prorations", "always_invoice", "none"] as const;

const createItem = z
  .object({
    price: priceId,
    quantity: quantity.optional().openapi({ description: "Default 1; not for a metered price." }),
  })
  .strict();

export const createSubscriptionBody = z
  .object({
    customer: z.string().min(1).max(255),
    items: z.array(createItem).min(1).max(20),
    trial_period_days: z.number().int().min(1).max(730).optional(),
    trial_end: isoTime.optional().openapi({ description: "The trial's end; excludes trial_period_days." }),
    billing_cycle_anchor: isoTime.optional().openapi({
      description:
        "A future time within one interval: the first invoice charges the prorated time until it, and periods then renew on it (month-end anchors clamp: Jan 31 → Feb 28 → Mar 31). Not with a trial (the trial's end is the anchor).",
    }),
    collection_method: z.enum(collectionMethods).optional(),
    days_until_due: z.number().int().min(1).max(365).optional(),
    coupon: z.string().min(1).max(255).optional(),
    cancel_at: isoTime.optional(),
    cancel_at_period_end: z.boolean().optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateSubscription");

export type CreateSubscriptionInput = z.infer<typeof createSubscriptionBody>;

const updateItem = z
  .object({
    id: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({ description: "The item to change; absent adds one." }),
    price: priceId.optional(),
    quantity: quantity.optional(),
    deleted: z.literal(true).optional(),
  })
  .strict();

export const updateSubscriptionBody = z
  .object({
    items: z.array(updateItem).min(1).max(20).optional(),
    schedule: z.enum(["now", "period_end"]).optional().openapi({
      description:
        "now (default): the items change at once, with proration_behavior. period_end: the items change when the current period ends (a downgrade kept until then), with no proration; they replace any change already scheduled, and the subscription shows them as scheduled_change. An items change now drops a scheduled one.",
    }),
    proration_behavior: z.enum(prorationBehaviors).optional().openapi({
      description:
        "create_prorations (default): credit for the unused time of the old items and a charge for the rest of the period on the new, left pending for the next invoice; always_invoice: the same lines invoiced and charged now; none: no proration.",
    }),
    cancel_at_period_end: z.boolean().optional(),
    cancel_at: isoTime.nullable().optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("UpdateSubscription");

export type UpdateSubscriptionInput = z.infer<typeof updateSubscriptionBody>;

export const cancelSubscriptionBody = z
  .object({
    at_period_end: z.boolean().optional().openapi({
      description: "true: keep it until the current period ends (cancel_at_period_end). Default: now.",
    }),
    invoice_now: z.boolean().optional().openapi({
      description:
        "Cancel now only: true bills the current period's usage of metered items so far (with the customer's pending items) on a final invoice, charged at once. Default false, as Stripe's. A scheduled end always bills it.",
    }),
    prorate: z.boolean().optional().openapi({
      description:
        "Cancel now only: true credits the unused rest of the current period on the licensed items, to the second (a pending credit line; with invoice_now on the final invoice, or a credit note on the period's invoice when the final invoice would be negative). Default false.",
    }),
  })
  .strict()
  .openapi("CancelSubscription");

export type CancelSubscriptionInput = z.infer<typeof cancelSubscriptionBody>;

export const pauseSubscriptionBody = z
  .object({
    behavior: z.enum(pauseBehaviors).openapi({
      description:
        "What each renewal's invoice becomes while paused: keep_as_draft (left a draft, never charged), mark_uncollectible (finalized and marked uncollectible), void (finalized and voided).",
    }),
    resumes_at: isoTime.optional().openapi({
      description: "When collection resumes by itself; absent: until POST …/resume.",
    }),
  })
  .strict()
  .openapi("PauseSubscription");

export type PauseSubscriptionInput = z.infer<typeof pauseSubscriptionBody>;

export const resumeSubscriptionBody = z.object({}).strict().openapi("ResumeSubscription");

export type ResumeSubscriptionInput = z.infer<typeof resumeSubscriptionBody>;

const subscriptionItemSchema = z
  .object({
    id: z.string(),
    object: z.literal("subscription_item"),
    price: z.string(),
    quantity: z.number().int().nullable().openapi({ description: "null for a metered price." }),
    amount: z.number().int().openapi({
      description:
        "What one period of the item costs up front (0 for a metered price: its usage is billed at each renewal).",
    }),
  })
  .openapi("SubscriptionItem");

export const subscriptionSchema = z
  .object({
    id: z.string().openapi({ example: "sub_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("subscription"),
    environment: environmentSchema,
    customer: z.string(),
    test_clock: z.string().nullable(),
    status: z.enum(subscriptionStatuses),
    currency: z.string(),
    items: z.array(subscriptionItemSchema),
    scheduled_change: z
      .object({ items: z.array(subscriptionItemSchema), applies_at: timestamp })
      .nullable()
      .openapi({
        description: "Items that replace `items` at the next renewal (schedule: period_end), or null.",
      }),
    interval: z.string(),
    interval_count: z.number().int(),
    collection_method: z.enum(collectionMethods),
    days_until_due: z.number().int().nullable(),
    coupon: z.string().nullable(),
    billing_cycle_anchor: timestamp,
    current_period_start: timestamp,
    current_period_end: timestamp,
    trial_start: timestamp.nullable(),
    trial_end: timestamp.nullable(),
    cancel_at: timestamp.nullable(),
    cancel_at_period_end: z.boolean(),
    canceled_at: timestamp.nullable(),
    ended_at: timestamp.nullable(),
    latest_invoice: z.string().nullable(),
    next_payment_attempt: timestamp.nullable(),
    pause_collection: z
      .object({ behavior: z.enum(pauseBehaviors), resumes_at: timestamp.nullable() })
      .nullable()
      .openapi({ description: "Set while the subscription is paused." }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Subscription");

export type Subscription = z.infer<typeof subscriptionSchema>;

const previewLineSchema = z
  .object({
    description: z.string(),
    amount: z.number().int(),
    proration: z.boolean(),
    invoice_item: z.string().nullable().openapi({ description: "A pending item already waiting, or null." }),
  })
  .openapi("InvoicePreviewLine");

export const invoicePreviewSchema = z
  .object({
    object: z.literal("invoice_preview"),
    subscription: z.string(),
    customer: z.string(),
    currency: z.string(),
    billing_reason: z.enum(["subscription_update", "subscription_cycle"]),
    created_at: timestamp.openapi({ description: "When this invoice would be created." }),
    lines: z.array(previewLineSchema),
    subtotal: z.number().int(),
    discount_amount: z.number().int(),
    tax: z.number().int(),
    total: z.number().int(),
  })
  .openapi("InvoicePreview");

export type InvoicePreview = z.infer<typeof invoicePreviewSchema>;

export const subscriptionIdParams = idParams("sub_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listSubscriptionsQuery = listQuerySchema.extend({
  customer: z.string().min(1).max(255).optional(),
  status: z.enum(subscriptionStatuses).optional(),
  test_clock: z.string().min(1).max(255).optional(),
});
export type ListSubscriptionsQuery = z.infer<typeof listSubscriptionsQuery>;

export const subscriptionSettingsSchema = z
  .object({
    object: z.literal("subscription_settings"),
    environment: environmentSchema,
    retry_days: z.array(z.number().int()).openapi({
      description: "Days after a renewal's first failed charge at which it is retried (dunning).",
      example: [1, 3, 5, 7],
    }),
    after_final_failure: z.enum(dunningEndings).openapi({
      description: "What the subscription becomes when the last retry fails.",
    }),
  })
  .openapi("SubscriptionSettings");

export type SubscriptionSettings = z.infer<typeof subscriptionSettingsSchema>;

export const updateSubscriptionSettingsBody = z
  .object({
    retry_days: z
      .array(z.number().int().min(1).max(60))
      .min(1)
      .max(8)
      .refine((days) => days.every((day, index) => index === 0 || day > (days[index - 1] ?? 0)), {
        message: "retry_days must be strictly increasing.",
      })
      .optional()
      .openapi({ description: "1 to 8 days, each 1–60, strictly increasing." }),
    after_final_failure: z.enum(dunningEndings).optional().openapi({
      description:
        "canceled (default): the subscription ends; unpaid: it ends as unpaid, its last invoice left open to be paid.",
    }),
  })
  .strict()
  .openapi("UpdateSubscriptionSettings");

export type UpdateSubscriptionSettingsInput = z.infer<typeof updateSubscriptionSettingsBody>;

const usagePeriod = z.object({ start: timestamp, end: timestamp });

export const subscriptionUsageSchema = z
  .object({
    object: z.literal("subscription_usage"),
    subscription: z.string(),
    currency: z.string(),
    period: usagePeriod.openapi({ description: "The current period, [start, end)." }),
    data: z.array(
      z.object({
        object: z.literal("subscription_item_usage"),
        item: z.string(),
        price: z.string(),
        meter: z.string(),
        period: usagePeriod,
        value: z.string().openapi({
          description: "The meter's aggregate of the customer's usage in the period, exact decimal.",
        }),
        quantity: z.number().int().openapi({ description: "value rounded half up to a whole quantity." }),
        amount_estimate: z.number().int().openapi({
          description:
            "What the quantity costs under the price: the renewal's usage line if the period ended now (0 during a trial).",
        }),
      }),
    ),
  })
  .openapi("SubscriptionUsage");

export type SubscriptionUsage = z.infer<typeof subscriptionUsageSchema>;
