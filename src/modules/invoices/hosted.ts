import { eq } from "drizzle-orm";
import { constantTimeEqual } from "../../core/auth/crypto";
import type { Services } from "../../core/context";
import { notFound } from "../../core/errors";
import { systemContext } from "../../core/http";
import { retrieveCustomer } from "../customers/service";
import { toInvoice } from "./rows";
import type { HostedInvoice } from "./schemas";
import { invoices } from "./tables";

/**
 * The customer's view of a finalized invoice, for whoever holds its hosted URL: found by id and
 * checked against the URL's token (constant time), as the sandbox payment pages are, since the
 * customer has no API key and so no tenant to scope by. A wrong token, a draft or an unknown id
 * are all the same 404.
 */
export async function retrieveHostedInvoice({
  services,
  id,
  token,
}: {
  services: Services;
  id: string;
  token: string;
}): Promise<HostedInvoice> {
  const [row] = await services.db.select().from(invoices).where(eq(invoices.id, id)).limit(1);
  if (!row || row.status === "draft" || !constantTimeEqual(row.hostedToken, token))
    throw notFound("invoice", id);
  const customer = await retrieveCustomer({
    ctx: systemContext(services, row, "hosted_invoice"),
    id: row.customerId,
  });
  const invoice = toInvoice(row, services.config.PUBLIC_URL);
  return {
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
  };
}
