import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import { readInvoice, toInvoice } from "./rows";
import type { Invoice, ListInvoicesQuery } from "./schemas";
import { invoices } from "./tables";

export { createInvoice } from "./create";
/**
 * The invoices module's door: other modules and functions/ import invoices only from here. The
 * verbs live in files named by what happens: create.ts, draft-items.ts (an item added to a draft),
 * finalize.ts (numbering), pay.ts, pending-payment.ts (a charge left pending, followed to its outcome),
 * transitions.ts (void, mark_uncollectible, mark_paid), settings.ts, pdf.ts, reminders.ts (the
 * invoice-reminders run and its test-clock hook), hosted.ts and hosted-pay.ts (what the hosted invoice
 * page shows and pays); totals.ts is the arithmetic;
 * credit.ts is what a credit note does to an invoice (the credit-notes module issues them).
 */
export {
  creditedInvoice,
  creditInvoiceStatement,
  type InvoiceCredit,
  invoiceCreditChange,
  withdrawCreditUpdate,
} from "./credit";
export { addInvoiceItemToDraft } from "./draft-items";
export { finalizeInvoice } from "./finalize";
export { type HostedInvoicePage, loadHostedInvoice, retrieveHostedInvoice } from "./hosted";
export { hostedInvoicePdf, payHostedInvoice } from "./hosted-pay";
export { payInvoice } from "./pay";
export { invoicePdf } from "./pdf";
export { refreshInvoiceCharge, type SettledInvoice, settlePendingInvoicePayments } from "./pending-payment";
export { type ReminderScope, runInvoiceReminders } from "./reminders";
export {
  amountDue,
  amountRemaining,
  billingRefusal,
  invoiceOf,
  invoiceQuery,
  invoiceQueryOf,
  requireRow,
  toInvoice,
} from "./rows";
export { retrieveInvoiceSettings, updateInvoiceSettings } from "./settings";
export type { InvoiceRow, InvoiceStatus } from "./tables";
export { coveredLines, type InvoiceTotals, invoiceTotals, type LineInput, type TaxTerms } from "./totals";
export { markInvoicePaid, markInvoiceUncollectible, voidInvoice } from "./transitions";

export async function retrieveInvoice({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Invoice> {
  return toInvoice(await readInvoice(ctx, id), ctx.services.config.PUBLIC_URL);
}

export async function listInvoices({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListInvoicesQuery;
}): Promise<ListPage<Invoice>> {
  const filters = tenantScope(invoices, ctx);
  if (query.customer) filters.push(eq(invoices.customerId, query.customer));
  if (query.status) filters.push(eq(invoices.status, query.status));
  const page = await paginateTable({
    db: ctx.services.db,
    table: invoices,
    scope: filters,
    tenantScope: tenantScope(invoices, ctx),
    query,
  });
  return {
    data: page.data.map((row) => toInvoice(row, ctx.services.config.PUBLIC_URL)),
    hasMore: page.hasMore,
  };
}
