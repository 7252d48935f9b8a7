import { and, eq, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, gatedChangeMembers } from "../../core/events";
import { tenantRow } from "../../core/tenancy";
import { couponQuery } from "../coupons/service";
import { customerIdsQuery } from "../customers/service";
import type { CreateInvoiceItemInput, InvoiceItem } from "../invoice-items/schemas";
import {
  invoiceItemInsert,
  invoiceItemsQuery,
  newInvoiceItemRow,
  toInvoiceItem,
} from "../invoice-items/service";
import { taxRatesQuery } from "../tax-rates/service";
import { invoiceContent } from "./create";
import { billingRefusal, invoiceQuery, requireRow, requireStatus, toInvoice } from "./rows";
import { type InvoiceRow, invoices } from "./tables";

/**
 * POST /invoice-items with `invoice`: the item goes straight onto a draft of its customer (a
 * subscription renewal's, in the hour before it finalizes), and the draft's lines and totals are
 * computed anew from all its items, as createInvoice computes them. The item's insert, the draft's
 * update (by compare-and-set on its status and its count of lines, so a concurrent finalization or a second
 * item is not overwritten: 409 invoice_status_invalid, nothing written) and both events are one batch.
 */
export async function addInvoiceItemToDraft({
  ctx,
  input,
  invoiceId,
}: {
  ctx: ServiceContext;
  input: CreateInvoiceItemInput;
  invoiceId: string;
}): Promise<InvoiceItem> {
  const { db } = ctx.services;
  const [invoiceRows, onInvoice, customerRows] = await db.batch([
    invoiceQuery(ctx, invoiceId),
    invoiceItemsQuery(ctx, invoiceId),
    customerIdsQuery(ctx, [input.customer]),
  ]);
  // On the customer's time (its test clock's, if it has one), as the draft's own lines were dated.
  const clockTime = customerRows[0]?.clockTime;
  const own: ServiceContext = clockTime
    ? { ...ctx, services: { ...ctx.services, clock: { now: () => clockTime } } }
    : ctx;
  const pending = await newInvoiceItemRow({ ctx: own, input });
  const [before] = invoiceRows;
  if (!before) throw notFound("invoice", invoiceId, "invoice");
  if (before.customerId !== pending.customerId) {
    throw new ApiError("parameter_invalid", {
      param: "invoice",
      message: `The invoice ${invoiceId} is not the customer's ${pending.customerId}.`,
    });
  }
  requireStatus(before, ["draft"], "given items");
  if (before.currency !== pending.currency) {
    throw new ApiError("parameter_invalid", {
      param: "currency",
      message: `The invoice is in ${before.currency}; the item is in ${pending.currency}.`,
    });
  }
  const row = { ...pending, invoiceId };
  const items = [...onInvoice, row];
  const rateIds = [...new Set(items.flatMap((item) => item.taxRateIds))];
  const [rates, coupons] = await db.batch([taxRatesQuery(ctx, rateIds), couponQuery(ctx, before.couponId)]);
  const now = own.services.clock.now();
  const after: InvoiceRow = {
    ...before,
    ...invoiceContent(items, rates, coupons[0], before.currency),
    updatedAt: now,
  };
  const item = toInvoiceItem(row);
  const invoice = toInvoice(after, ctx.services.config.PUBLIC_URL);
  const update = db
    .update(invoices)
    .set({
      lines: after.lines,
      taxes: after.taxes,
      subtotal: after.subtotal,
      discountAmount: after.discountAmount,
      total: after.total,
      totalExcludingTax: after.totalExcludingTax,
      updatedAt: now,
    })
    .where(
      and(
        tenantRow(invoices, ctx, invoiceId),
        eq(invoices.status, "draft"),
        // Items are only ever added to a draft: the count of its lines is its version.
        sql`jsonb_array_length(${invoices.lines}) = ${before.lines.length}`,
      ),
    )
    .returning({ id: invoices.id });
  const change = gatedChangeMembers(
    own,
    {
      type: "invoice.updated",
      object: invoice,
      previousAttributes: { total: before.total, subtotal: before.subtotal },
    },
    "changed",
    "change",
  );
  try {
    await runBatch(
      ctx.services,
      [
        invoiceItemInsert(own, row),
        db.execute(
          sql`with changed as ${update}, ${change} select ${requireRow("changed", "invoice_status_invalid")}`,
        ),
        db.execute(changeStatement(own, { type: "invoiceitem.created", object: item })),
      ],
      { response: item },
    );
  } catch (error) {
    throw billingRefusal(error) ?? error;
  }
  return item;
}
