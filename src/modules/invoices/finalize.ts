import { and, eq, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { gatedChangeMembers } from "../../core/events";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { billingRefusal, invoiceOf, invoiceQuery, requireRow, requireStatus, toInvoice } from "./rows";
import type { Invoice, InvoiceSettings } from "./schemas";
import {
  DEFAULT_REMINDER_AFTER_DUE_DAYS,
  DEFAULT_REMINDER_BEFORE_DUE_DAYS,
  type InvoiceNumberingRow,
  type InvoiceRow,
  invoiceNumbering,
  invoices,
} from "./tables";

export const DEFAULT_NUMBER_PREFIX = "INV";

/** How often finalize reads the counter again after another finalization took the number it expected. */
const NUMBERING_ATTEMPTS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The account's numbering, as a query for a read batch (no row until its first setting or number). */
export function numberingQuery(ctx: ServiceContext) {
  return ctx.services.db
    .select()
    .from(invoiceNumbering)
    .where(and(...tenantScope(invoiceNumbering, ctx)))
    .limit(1);
}

export function formatNumber(prefix: string, number: number): string {
  return `${prefix}-${String(number).padStart(4, "0")}`;
}

export function toInvoiceSettings(
  ctx: ServiceContext,
  numbering: InvoiceNumberingRow | undefined,
): InvoiceSettings {
  return {
    object: "invoice_settings",
    environment: ctx.environment,
    number_prefix: numbering?.prefix ?? DEFAULT_NUMBER_PREFIX,
    next_number: (numbering?.lastNumber ?? 0) + 1,
    reminders: {
      enabled: numbering?.remindersEnabled ?? true,
      before_due_days: numbering?.reminderBeforeDueDays ?? DEFAULT_REMINDER_BEFORE_DUE_DAYS,
      after_due_days: numbering?.reminderAfterDueDays ?? DEFAULT_REMINDER_AFTER_DUE_DAYS,
    },
  };
}

/**
 * Takes number `expectedLast + 1`: inserts the counter at 1 for the account's first number, or
 * moves it from expectedLast; no row when another finalization moved it first.
 */
function takeNumberMember(ctx: ServiceContext, expectedLast: number) {
  const now = ctx.services.clock.now();
  const insert = ctx.services.db
    .insert(invoiceNumbering)
    .values({
      merchantId: ctx.merchantId,
      environment: ctx.environment,
      prefix: DEFAULT_NUMBER_PREFIX,
      lastNumber: 1,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [invoiceNumbering.merchantId, invoiceNumbering.environment],
      set: { lastNumber: sql`${invoiceNumbering.lastNumber} + 1`, updatedAt: now },
      setWhere: eq(invoiceNumbering.lastNumber, expectedLast),
    })
    .returning({ lastNumber: invoiceNumbering.lastNumber });
  return sql`numbered as ${insert}`;
}

/**
 * draft → open with the account's next number. The number is gapless: the counter moves in the
 * same statement that opens the invoice, and both must match (the counter still at the value
 * read, the invoice still a draft) or the batch rolls back and nothing is taken. A counter moved
 * by a concurrent finalization is read again; a draft finalized concurrently is 409.
 */
export async function finalizeInvoice({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Invoice> {
  const { db } = ctx.services;
  for (let attempt = 1; ; attempt++) {
    const [invoiceRows, numberingRows] = await db.batch([invoiceQuery(ctx, id), numberingQuery(ctx)]);
    const before = invoiceOf(invoiceRows, id);
    requireStatus(before, ["draft"], "finalized");
    const numbering = numberingRows[0];
    const lastNumber = numbering?.lastNumber ?? 0;
    const now = ctx.services.clock.now();
    const after: InvoiceRow = {
      ...before,
      status: "open",
      number: formatNumber(numbering?.prefix ?? DEFAULT_NUMBER_PREFIX, lastNumber + 1),
      finalizedAt: now,
      dueAt: before.daysUntilDue === null ? null : new Date(now.getTime() + before.daysUntilDue * DAY_MS),
      updatedAt: now,
    };
    const invoice = toInvoice(after, ctx.services.config.PUBLIC_URL);
    const open = db
      .update(invoices)
      .set({ status: "open", number: after.number, finalizedAt: now, dueAt: after.dueAt, updatedAt: now })
      // Only with the number taken: otherwise the number read is already another invoice's, and
      // writing it would break the unique index instead of reading the counter again.
      .where(
        and(tenantRow(invoices, ctx, id), eq(invoices.status, "draft"), sql`exists (select 1 from numbered)`),
      )
      .returning({ id: invoices.id });
    const change = gatedChangeMembers(
      ctx,
      { type: "invoice.finalized", object: invoice, previousAttributes: { status: "draft", number: null } },
      "opened",
      "change",
    );
    try {
      await runBatch(
        ctx.services,
        [
          // The invoice's row lock first, the counter's second, in every finalization: with both taken in one
          // statement, their order would be the planner's, and two finalizations of one draft could deadlock.
          db
            .select({ id: invoices.id })
            .from(invoices)
            .where(tenantRow(invoices, ctx, id))
            .for("update"),
          db.execute(
            sql`with ${takeNumberMember(ctx, lastNumber)}, opened as ${open}, ${change}
              select case when exists (select 1 from numbered) then ${requireRow("opened", "invoice_status_invalid")}
                else ${requireRow("numbered", "invoice_numbering_conflict")} end`,
          ),
        ],
        { response: invoice },
      );
      return invoice;
    } catch (error) {
      const refusal = billingRefusal(error);
      if (refusal?.code === "invoice_numbering_conflict" && attempt < NUMBERING_ATTEMPTS) continue;
      if (refusal?.code === "invoice_status_invalid") {
        throw new ApiError("invoice_status_invalid", {
          message: "The invoice was finalized or changed concurrently.",
        });
      }
      throw refusal ?? error;
    }
  }
}
