import { type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId, randomBase62 } from "../../core/ids";
import { MAX_AMOUNT } from "../../core/money";
import { couponClaimUpdate, couponQuery, couponValid, discountAmount } from "../coupons/service";
import type { CouponRow } from "../coupons/tables";
import { countryOf, customerAddressQuery } from "../customers/service";
import {
  attachItemsMember,
  type InvoiceItemRow,
  pendingItemsQuery,
  pendingTaxRateIds,
} from "../invoice-items/service";
import { type TaxRateRow, taxRatesQuery } from "../tax-rates/service";
import { billingRefusal, requireRow, toInvoice } from "./rows";
import type { CreateInvoiceInput, Invoice } from "./schemas";
import { type InvoiceLineColumn, type InvoiceRow, invoices } from "./tables";
import { coveredLines, invoiceTotals } from "./totals";

/** The pending items of the invoice's currency: the one asked for, or the only one they have. */
function itemsToInvoice(items: InvoiceItemRow[], currency: string | undefined): InvoiceItemRow[] {
  const currencies = [...new Set(items.map((item) => item.currency))];
  const chosen = currency ?? currencies[0];
  if (currency === undefined && currencies.length > 1) {
    throw new ApiError("parameter_missing", {
      param: "currency",
      message: `The customer's pending items are in ${currencies.join(", ")}: name the currency to invoice.`,
    });
  }
  const chosenItems = items.filter((item) => item.currency === chosen);
  if (chosenItems.length === 0) throw new ApiError("invoice_nothing_to_invoice", { param: "customer" });
  return chosenItems;
}

function collectionTerms(input: CreateInvoiceInput) {
  const collectionMethod = input.collection_method ?? "charge_automatically";
  if (collectionMethod === "charge_automatically" && input.days_until_due !== undefined) {
    throw new ApiError("parameter_invalid", {
      param: "days_until_due",
      message: "days_until_due goes with collection_method send_invoice.",
    });
  }
  return {
    collectionMethod,
    daysUntilDue: collectionMethod === "send_invoice" ? (input.days_until_due ?? 30) : null,
  };
}

/**
 * An invoice's lines and totals from its items (in the order it lists them), their tax rates and
 * its coupon: invoiceTotals' arithmetic, so a draft that takes another item is computed as anew.
 */
export function invoiceContent(
  items: InvoiceItemRow[],
  rates: TaxRateRow[],
  coupon: CouponRow | undefined,
  currency: string,
): Pick<InvoiceRow, "lines" | "taxes" | "subtotal" | "discountAmount" | "total" | "totalExcludingTax"> {
  const lines = items.map((item) => ({
    amount: item.amount,
    discountable: item.discountable,
    taxRates: item.taxRateIds.map((id) => {
      const rate = rates.find((candidate) => candidate.id === id);
      // Rates are never deleted (only archived), and the read saw the item and its rates at once.
      if (!rate) throw new Error(`tax rate ${id} of item ${item.id} is gone`);
      return { id, percentageMicros: rate.percentageMicros, inclusive: rate.inclusive };
    }),
  }));
  const discountable = lines.reduce((sum, line) => sum + (line.discountable ? line.amount : 0), 0);
  const discount = coupon ? (discountAmount(coupon, discountable, currency) ?? 0) : 0;
  const totals = invoiceTotals(lines, discount);
  // Beyond MAX_AMOUNT a sum is no longer exact in a JS number, and no payment could collect it.
  if (totals.subtotal > MAX_AMOUNT || totals.total > MAX_AMOUNT) {
    throw new ApiError("amount_invalid", {
      param: "amount",
      message: `The invoice's lines and taxes add up to more than ${MAX_AMOUNT} minor units.`,
    });
  }
  return {
    lines: items.map(
      (item, index): InvoiceLineColumn => ({
        invoiceItem: item.id,
        description: item.description,
        amount: item.amount,
        quantity: item.quantity,
        unitAmount: item.unitAmount,
        price: item.priceId,
        discountable: item.discountable,
        discountPrecise: totals.lines[index]?.discountPrecise ?? "0",
        taxes: totals.lines[index]?.taxes ?? [],
      }),
    ),
    taxes: totals.taxes.map((tax) => ({
      ...tax,
      percentage: (rates.find((rate) => rate.id === tax.taxRate)?.percentageMicros ?? 0) / 10_000,
    })),
    subtotal: totals.subtotal,
    discountAmount: totals.discount,
    total: totals.total,
    totalExcludingTax: totals.totalExcludingTax,
  };
}

/**
 * Creates a draft invoice for a customer from the pending invoice items of one currency, with
 * an optional coupon: one read batch, then one write batch that takes the items (only while
 * still pending), claims the coupon's redemption, inserts the invoice and records invoice.created.
 */
export async function createInvoice({
  ctx,
  input,
  autoFinalizeAt = null,
}: {
  ctx: ServiceContext;
  input: CreateInvoiceInput;
  /** A subscription renewal's draft: when the subscription-cycle finalizes it (not an API field on create). */
  autoFinalizeAt?: Date | null;
}): Promise<Invoice> {
  const { db } = ctx.services;
  const terms = collectionTerms(input);
  const [customerRows, pending, rates, couponRows] = await db.batch([
    customerAddressQuery({ ctx, id: input.customer }),
    pendingItemsQuery(ctx, input.customer),
    taxRatesQuery(ctx, pendingTaxRateIds(ctx, input.customer)),
    couponQuery(ctx, input.coupon ?? null),
  ]);
  countryOf(customerRows, input.customer, "customer");
  const chosen = itemsToInvoice(pending, input.currency);
  const currency = chosen[0]?.currency ?? "";

  const now = ctx.services.clock.now();
  const [coupon] = couponRows;
  if (input.coupon !== undefined) {
    if (!coupon)
      throw new ApiError("resource_missing", { param: "coupon", message: `No such coupon: ${input.coupon}` });
    if (coupon.redeemBy !== null && coupon.redeemBy <= now)
      throw new ApiError("coupon_expired", { param: "coupon" });
    if (!couponValid(coupon, now)) throw new ApiError("coupon_max_redemptions_reached", { param: "coupon" });
    if (coupon.appliesToProducts || discountAmount(coupon, 0, currency) === null) {
      throw new ApiError("coupon_not_applicable", {
        param: "coupon",
        message: coupon.appliesToProducts
          ? "A coupon restricted to products can't discount an invoice."
          : `The coupon has no amount_off in ${currency}.`,
      });
    }
  }
  const items = coveredLines(chosen, (discountable) =>
    coupon ? (discountAmount(coupon, discountable, currency) ?? 0) : 0,
  );
  if (items.length === 0) throw new ApiError("invoice_nothing_to_invoice", { param: "customer" });
  const row: InvoiceRow = {
    id: newId("invoice"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    customerId: input.customer,
    status: "draft",
    number: null,
    currency,
    ...terms,
    dueAt: null,
    description: input.description ?? null,
    couponId: coupon?.id ?? null,
    ...invoiceContent(items, rates, coupon, currency),
    amountPaid: 0,
    prePaymentCreditNotesAmount: 0,
    postPaymentCreditNotesAmount: 0,
    creditNoteCount: 0,
    paidOutOfBand: false,
    paymentReference: null,
    paymentId: null,
    paymentAttempt: null,
    attemptCount: 0,
    hostedToken: randomBase62(32),
    autoFinalizeAt,
    finalizedAt: null,
    paidAt: null,
    voidedAt: null,
    markedUncollectibleAt: null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const invoice = toInvoice(row, ctx.services.config.PUBLIC_URL);
  const members: SQL[] = [
    attachItemsMember(
      ctx,
      "attached",
      row.id,
      items.map((item) => item.id),
    ),
  ];
  const checks: SQL[] = [
    sql`billing_require((select count(*) from attached) = ${items.length}, ${"invoice_items_changed"})`,
  ];
  if (coupon) {
    members.push(sql`coupon_claim as ${couponClaimUpdate(ctx, coupon.id)}`);
    checks.push(requireRow("coupon_claim", "coupon_max_redemptions_reached"));
  }
  try {
    await runBatch(
      ctx.services,
      [
        db.execute(sql`with ${sql.join(members, sql`, `)} select ${sql.join(checks, sql`, `)}`),
        db.insert(invoices).values(row),
        db.execute(changeStatement(ctx, { type: "invoice.created", object: invoice })),
      ],
      { response: invoice },
    );
  } catch (error) {
    throw billingRefusal(error) ?? error;
  }
  return invoice;
}
