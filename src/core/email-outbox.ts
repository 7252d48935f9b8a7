import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { ServiceContext, Services } from "./context";
import { newId } from "./ids";
import { errorText, log } from "./log";
import type { MailMessage } from "./mailer";
import type { Environment } from "./tables";

/**
 * - `sandbox`: a sandbox email; it never leaves MagnetPay, the outbox is where it is read
 *   (GET /api/v1/sandbox/emails).
 * - `queued`: a live email recorded with its cause, to be sent once that batch committed;
 * - `sent` / `failed`: what the HTTP mailer answered;
 * - `not_sent`: a live email while MAILER_URL is not configured.
 */
export type EmailStatus = "sandbox" | "queued" | "sent" | "failed" | "not_sent";

/**
 * Every email sent on a merchant's behalf (invoice reminders), written in the same batch as what
 * caused it (the outbox pattern): the mailer's HTTP call happens only after that batch committed.
 */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    to: text("to").notNull(),
    template: text("template").$type<OutboundEmail["template"]>().notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    tags: jsonb("tags").$type<Record<string, string>>().notNull(),
    /** The object the email is about (an invoice's id). */
    relatedObject: text("related_object"),
    status: text("status").$type<EmailStatus>().notNull(),
    /** Why the mailer refused it (its status or the network error), for a failed email. */
    failureReason: text("failure_reason"),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("email_outbox_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("email_outbox_related_idx").on(table.relatedObject),
  ],
);

export type EmailOutboxRow = typeof emailOutbox.$inferSelect;

/** What a merchant's email says; the mailer's message without the template's data. */
export interface OutboundEmail {
  to: string;
  template: Extract<MailMessage["template"], "invoice_reminder">;
  subject: string;
  text: string;
  html?: string;
  tags: Record<string, string>;
  relatedObject: string | null;
}

/** Where an email of this context goes: the sandbox outbox, the HTTP mailer, or nowhere yet. */
function initialStatus(ctx: ServiceContext): EmailStatus {
  if (ctx.environment === "sandbox") return "sandbox";
  return ctx.services.config.MAILER_URL ? "queued" : "not_sent";
}

/**
 * The outbox row of `email` as a member of the caller's WITH clause, written once per row of
 * `gate` (a data-modifying CTE of the same statement): no row, no email. Answers the row's id, to
 * hand to `sendQueuedEmails` after the batch committed.
 */
export function outboxEmailMember(
  ctx: ServiceContext,
  email: OutboundEmail,
  gate: string,
  name: string,
): { id: string; member: SQL } {
  const id = newId("email");
  const now = ctx.services.clock.now().toISOString();
  const member = sql`${sql.raw(name)} as (
      insert into ${emailOutbox} (id, merchant_id, environment, "to", template, subject, text, html, tags,
        related_object, status, created_at)
      select ${id}, ${ctx.merchantId}, ${ctx.environment}, ${email.to}, ${email.template}, ${email.subject},
        ${email.text}, ${email.html ?? null}, ${JSON.stringify(email.tags)}::jsonb, ${email.relatedObject},
        ${initialStatus(ctx)}, ${now}::timestamptz from ${sql.raw(gate)}
    )`;
  return { id, member };
}

/**
 * Sends the queued emails among `ids` (those whose batch committed) through the mailer, one by one,
 * and records each outcome by compare-and-set on `queued`: `sent`, or `failed` with the reason.
 * A failure is recorded, never raised: the change that caused the email already happened.
 */
export async function sendQueuedEmails(services: Services, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const { db } = services;
  const queued = await db
    .select()
    .from(emailOutbox)
    .where(and(inArray(emailOutbox.id, [...ids]), eq(emailOutbox.status, "queued")));
  for (const row of queued) {
    let failureReason: string | null = null;
    try {
      await services.mailer.send({
        to: row.to,
        template: row.template,
        subject: row.subject,
        text: row.text,
        ...(row.html === null ? {} : { html: row.html }),
        data: { email: row.id, ...(row.relatedObject === null ? {} : { related_object: row.relatedObject }) },
        tags: row.tags,
      });
    } catch (error) {
      failureReason = errorText(error).slice(0, 500);
      log("warn", "email_send_failed", { email: row.id, error: failureReason });
    }
    await db
      .update(emailOutbox)
      .set(
        failureReason === null
          ? { status: "sent", sentAt: services.clock.now() }
          : { status: "failed", failureReason },
      )
      .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, "queued")));
  }
}
