import { z } from "@hono/zod-openapi";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";

export const eventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("event"),
    type: z.string().openapi({ example: "customer.updated" }),
    environment: environmentSchema,
    created_at: timestamp,
    api_version: z.string().openapi({ example: "2026-11-01" }),
    data: z.object({
      object: z
        .record(z.string(), z.unknown())
        .openapi({ description: "The object as it was right after the change." }),
      previous_attributes: z
        .record(z.string(), z.unknown())
        .optional()
        .openapi({ description: "For *.updated events: the old values of the fields that changed." }),
    }),
  })
  .openapi("Event");

export type Event = z.infer<typeof eventSchema>;

export const eventIdParams = idParams("evt_3kTq9yQy7yJ4pQz2Xb8w1LmN");

/** An exact type, or a prefix such as `payment.*`. */
export const eventTypeFilter = z
  .string()
  .max(100)
  .regex(
    /^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$/,
    "An event type such as customer.created, or a prefix such as customer.*.",
  );

export const listEventsQuery = listQuerySchema.extend({
  type: eventTypeFilter
    .optional()
    .openapi({ description: "An exact type (customer.created) or a prefix (customer.*)." }),
  object_id: z.string().min(1).max(255).optional().openapi({ description: "Only events about this object." }),
});

export type ListEventsQuery = z.infer<typeof listEventsQuery>;

export const eventTypeSchema = z
  .object({
    object: z.literal("event_type"),
    type: z.string().openapi({ example: "customer.created" }),
    object_type: z.string().openapi({ example: "customer", description: "The object in data.object." }),
    description: z.string(),
  })
  .openapi("EventType");

export type EventType = z.infer<typeof eventTypeSchema>;
