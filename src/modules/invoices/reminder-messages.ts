import type { OutboundEmail } from "../../core/email-outbox";
import { formatAmount } from "../../core/money";
import type { Invoice } from "./schemas";
import type { ReminderKind } from "./tables";

/** The event a reminder writes, as Stripe names them. */
export function reminderEventType(kind: ReminderKind): "invoice.will_be_due" | "invoice.overdue" {
  return kind === "before_due" ? "invoice.will_be_due" : "invoice.overdue";
}

/** The reminder email to `to` about `invoice` (open, numbered, with a due date). */
export function reminderEmail(
  invoice: Invoice,
  kind: ReminderKind,
  offsetDays: number,
  to: string,
): OutboundEmail {
  const number = invoice.number ?? invoice.id;
  const owed = `${formatAmount(invoice.amount_remaining, invoice.currency)} ${invoice.currency}`;
  const dueDay = (invoice.due_date ?? "").slice(0, 10);
  const link = invoice.hosted_invoice_url ? `\n\nView and pay it here: ${invoice.hosted_invoice_url}` : "";
  const subject =
    kind === "before_due" ? `Invoice ${number} is due on ${dueDay}` : `Invoice ${number} is overdue`;
  const text =
    kind === "before_due"
      ? `Invoice ${number} for ${owed} is due on ${dueDay}.${link}`
      : `Invoice ${number} for ${owed} was due on ${dueDay} and is still open.${link}`;
  return {
    to,
    template: "invoice_reminder",
    subject,
    text,
    tags: {
      invoice: invoice.id,
      reminder: kind,
      offset_days: String(offsetDays),
      environment: invoice.environment,
    },
    relatedObject: invoice.id,
  };
}
