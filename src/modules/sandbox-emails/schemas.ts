import { z } from "@hono/zod-openapi";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, timestamp } from "../../core/schemas";

export const sandboxEmailSchema = z
  .object({
    id: z.string().openapi({ example: "em_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("email"),
    environment: environmentSchema,
    to: z.string(),
    template: z.string().openapi({ description: "What the email is: invoice_reminder." }),
    subject: z.string(),
    text: z.string(),
    html: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
    related_object: z
      .string()
      .nullable()
      .openapi({ description: "The object the email is about (an invoice)." }),
    status: z.enum(["sandbox", "queued", "sent", "failed", "not_sent"]).openapi({
      description:
        "Always sandbox here: a sandbox email never leaves MagnetPay, this outbox is where it is read.",
    }),
    created_at: timestamp,
  })
  .openapi("SandboxEmail");

export type SandboxEmail = z.infer<typeof sandboxEmailSchema>;

export const listSandboxEmailsQuery = listQuerySchema.extend({
  to: z.string().min(1).max(320).optional().openapi({ description: "Only emails to this address." }),
  invoice: z.string().min(1).max(255).optional().openapi({ description: "Only emails about this invoice." }),
});

export type ListSandboxEmailsQuery = z.infer<typeof listSandboxEmailsQuery>;
