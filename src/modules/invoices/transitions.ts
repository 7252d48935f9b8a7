import { and, eq, isNull, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { tenantRow } from "../../core/tenancy";
import { amountDue, billingRefusal, readInvoice, requireRow, requireStatus, toInvoice } from "./rows";
import type { Invoice } from "./schemas";
import { type InvoiceRow, type InvoiceStatus, invoices } from "./tables";

interface Transition {
  from: InvoiceStatus[];
  /** The past participle the refusal uses: "voided". */
  action: string;
  event: string;
  changes: (now: Date, before: InvoiceRow) => Partial<InvoiceRow>;
}

/**
 * Moves an invoice between statuses by compare-and-set: the update matches only while the
 * invoice is still in the status read and no charge is under way (pay's claim), and the event
 * is written only when it matched. One read, one write batch.
 */
async function moveInvoice(ctx: ServiceContext, id: string, transition: Transition): Promise<Invoice> {
  const before = await readInvoice(ctx, id);
  requireStatus(before, transition.from, transition.action);
  const now = ctx.services.clock.now();
  const changes = { ...transition.changes(now, before), updatedAt: now };
  const invoice = toInvoice({ ...before, ...changes }, ctx.services.config.PUBLIC_URL);
  const { db } = ctx.services;
  const moved = db
    .update(invoices)
    .set(changes)
    .where(
      and(
        tenantRow(invoices, ctx, id),
        eq(invoices.status, before.status),
        isNull(invoices.paymentAttempt),
        // A credit note issued since the read changed what is owed (mark_paid records it as paid).
        eq(invoices.prePaymentCreditNotesAmount, before.prePaymentCreditNotesAmount),
      ),
    )
    .returning({ id: invoices.id });
  const change = gatedChangeMembers(
    ctx,
    { type: transition.event, object: invoice, previousAttributes: { status: before.status } },
    "moved",
    "change",
  );
  try {
    await runBatch(
      ctx.services,
      [
        db.execute(
          sql`with moved as ${moved}, ${change} select ${requireRow("moved", "invoice_status_invalid")}`,
        ),
      ],
      { response: invoice },
    );
  } catch (error) {
    throw billingRefusal(error) ?? error;
  }
  return invoice;
}

/** open → void: the invoice is no longer owed (a mistake); its number stays taken. */
export function voidInvoice({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Invoice> {
  return moveInvoice(ctx, id, {
    from: ["open"],
    action: "voided",
    event: "invoice.voided",
    changes: (now) => ({ status: "void", voidedAt: now }),
  });
}

/** open → uncollectible: still owed, but not expected; it can still be paid or voided. */
export function markInvoiceUncollectible({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Invoice> {
  return moveInvoice(ctx, id, {
    from: ["open"],
    action: "marked uncollectible",
    event: "invoice.marked_uncollectible",
    changes: (now) => ({ status: "uncollectible", markedUncollectibleAt: now }),
  });
}

/** open | uncollectible → paid, out of band (a bank transfer, a cheque): no charge, no ledger posting. */
export function markInvoicePaid({
  ctx,
  id,
  reference,
}: {
  ctx: ServiceContext;
  id: string;
  reference: string;
}): Promise<Invoice> {
  return moveInvoice(ctx, id, {
    from: ["open", "uncollectible"],
    action: "marked paid",
    event: "invoice.paid",
    changes: (now, before) => ({
      status: "paid",
      paidAt: now,
      paidOutOfBand: true,
      paymentReference: reference,
      amountPaid: amountDue(before),
    }),
  });
}
