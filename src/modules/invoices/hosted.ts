import { eq } from "drizzle-orm";
import { constantTimeEqual } from "../../core/auth/crypto";
import type { ServiceContext, Services } from "../../core/context";
import { notFound } from "../../core/errors";
import { systemContext } from "../../core/http";
import type { Environment } from "../../core/tables";
import { retrieveCustomer } from "../customers/service";
import type { Payment } from "../payments/schemas";
import { retrievePayment } from "../payments/service";
import { hasPendingCharge, refreshPendingCharge } from "./pending-payment";
import { toInvoice } from "./rows";
import type { HostedInvoice } from "./schemas";
import { type InvoiceRow, invoices } from "./tables";

/** What the hosted invoice page is rendered from. */
export interface HostedInvoicePage {
  invoice: HostedInvoice;
  environment: Environment;
  /** A charge under way: the 3-D Secure page it waits on, or null while its payment processes. */
  pending: { actionUrl: string | null } | null;
  /** Why the invoice's last charge failed (a catalog code), while the invoice is still owed. */
  lastDecline: string | null;
}

/**
 * The invoice of a hosted URL, found by id and checked against the URL's token (constant time):
 * the customer has no API key and so no tenant to scope by; the row then gives the merchant and
 * environment every further query is scoped to. A wrong token, a draft or an unknown id are all
 * the same 404.
 */
export async function findHostedInvoice(services: Services, id: string, token: string): Promise<InvoiceRow> {
  const [row] = await services.db.select().from(invoices).where(eq(invoices.id, id)).limit(1);
  if (!row || row.status === "draft" || !constantTimeEqual(row.hostedToken, token))
    throw notFound("invoice", id);
  return row;
}

export function hostedContext(services: Services, row: InvoiceRow): ServiceContext {
  return systemContext(services, row, "hosted_invoice");
}

function declineOf(payment: Payment): string {
  return payment.decline_code ? "card_declined" : (payment.failure_code ?? "payment_declined");
}

/** The customer's view of the invoice, as the page and the JSON view show it. */
export async function loadHostedInvoice({
  services,
  id,
  token,
}: {
  services: Services;
  id: string;
  token: string;
}): Promise<HostedInvoicePage> {
  const found = await findHostedInvoice(services, id, token);
  const ctx = hostedContext(services, found);
  const [customer, charged] = await Promise.all([
    retrieveCustomer({ ctx, id: found.customerId }),
    found.paymentId ? retrievePayment({ ctx, id: found.paymentId }) : Promise.resolve(null),
  ]);
  const { row, payment } = await refreshPendingCharge(ctx, found, charged);
  const invoice = toInvoice(row, services.config.PUBLIC_URL);
  const owed = row.status === "open" || row.status === "uncollectible";
  const pending = hasPendingCharge(row)
    ? { actionUrl: payment?.status === "requires_action" ? (payment.next_action?.url ?? null) : null }
    : null;
  const failed = payment?.status === "failed" || payment?.status === "canceled";
  const method = row.status === "paid" ? payment?.payment_method_details : null;
  return {
    environment: row.environment,
    pending,
    lastDecline: owed && !pending && payment && failed ? declineOf(payment) : null,
    invoice: {
      id: invoice.id,
      object: "hosted_invoice",
      number: invoice.number,
      status: invoice.status,
      currency: invoice.currency,
      customer_name: customer.name,
      description: invoice.description,
      due_date: invoice.due_date,
      lines: invoice.lines.map((line) => ({
        description: line.description,
        quantity: line.quantity,
        amount: line.amount,
      })),
      subtotal: invoice.subtotal,
      discount_amount: invoice.discount_amount,
      taxes: invoice.taxes.map((tax) => ({
        percentage: tax.percentage,
        inclusive: tax.inclusive,
        amount: tax.amount,
      })),
      total: invoice.total,
      amount_paid: invoice.amount_paid,
      amount_remaining: invoice.amount_remaining,
      paid_at: invoice.status_transitions.paid_at,
      paid_with: method
        ? { type: method.type, brand: method.card?.brand ?? null, last4: method.card?.last4 ?? null }
        : null,
    },
  };
}

/** The JSON view of the hosted URL, for API users (the page at hosted_invoice_url shows the same). */
export async function retrieveHostedInvoice(input: {
  services: Services;
  id: string;
  token: string;
}): Promise<HostedInvoice> {
  return (await loadHostedInvoice(input)).invoice;
}
