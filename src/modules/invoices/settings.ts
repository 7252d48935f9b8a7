import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { changeStatement } from "../../core/events";
import { numberingQuery, toInvoiceSettings } from "./finalize";
import type { InvoiceSettings } from "./schemas";
import { invoiceNumbering } from "./tables";

export async function retrieveInvoiceSettings({ ctx }: { ctx: ServiceContext }): Promise<InvoiceSettings> {
  const [numbering] = await numberingQuery(ctx);
  return toInvoiceSettings(ctx, numbering);
}

/**
 * Sets the prefix of the invoice numbers finalized from now on; the counter goes on (INV-0007 is
 * followed by ACME-0008), so numbers stay gapless across a change of prefix.
 */
export async function updateInvoiceSettings({
  ctx,
  numberPrefix,
}: {
  ctx: ServiceContext;
  numberPrefix: string;
}): Promise<InvoiceSettings> {
  const { db } = ctx.services;
  const now = ctx.services.clock.now();
  const [numbering] = await numberingQuery(ctx);
  const before = toInvoiceSettings(ctx, numbering);
  const settings: InvoiceSettings = { ...before, number_prefix: numberPrefix };
  await runBatch(ctx.services, [
    db
      .insert(invoiceNumbering)
      .values({
        merchantId: ctx.merchantId,
        environment: ctx.environment,
        prefix: numberPrefix,
        lastNumber: 0,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [invoiceNumbering.merchantId, invoiceNumbering.environment],
        set: { prefix: numberPrefix, updatedAt: now },
      }),
    db.execute(
      changeStatement(ctx, {
        type: "invoice_settings.updated",
        object: { id: `invoice_settings_${ctx.environment}`, ...settings },
        previousAttributes: { number_prefix: before.number_prefix },
      }),
    ),
  ]);
  return settings;
}
