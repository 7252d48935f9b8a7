import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import { readCreditNote, toCreditNote } from "./rows";
import type { CreditNote, ListCreditNotesQuery } from "./schemas";
import { creditNotes } from "./tables";

/**
 * The credit-notes module's door. issue.ts issues (and previews) a note, decide.ts is what a note
 * may credit, refund.ts refunds a paid invoice's payment for one (and finishes those a dead request
 * left), void.ts voids one; what a note does to its invoice lives in invoices/credit.ts.
 */
export { createCreditNote, previewCreditNote } from "./issue";
export { finishCreditNoteRefunds } from "./refund";
export { voidCreditNote } from "./void";

export async function retrieveCreditNote({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<CreditNote> {
  return toCreditNote(await readCreditNote(ctx, id));
}

export async function listCreditNotes({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListCreditNotesQuery;
}): Promise<ListPage<CreditNote>> {
  const filters = tenantScope(creditNotes, ctx);
  if (query.invoice) filters.push(eq(creditNotes.invoiceId, query.invoice));
  if (query.customer) filters.push(eq(creditNotes.customerId, query.customer));
  const page = await paginateTable({
    db: ctx.services.db,
    table: creditNotes,
    scope: filters,
    tenantScope: tenantScope(creditNotes, ctx),
    query,
  });
  return { data: page.data.map(toCreditNote), hasMore: page.hasMore };
}
