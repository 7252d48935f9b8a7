import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { changeStatement, previousAttributes } from "../../core/events";
import { numberingQuery, toInvoiceSettings } from "./finalize";
import type { InvoiceSettings, UpdateInvoiceSettingsInput } from "./schemas";
import { invoiceNumbering } from "./tables";

export async function retrieveInvoiceSettings({ ctx }: { ctx: ServiceContext }): Promise<InvoiceSettings> {
  const [numbering] = await numberingQuery(ctx);
  return toInvoiceSettings(ctx, numbering);
}

const ascending = (days: number[]) => [...days].sort((a, b) => a - b);

/**
 * Sets the prefix of the invoice numbers finalized from now on, and the reminders. The counter goes
 * on (INV-0007 is followed by ACME-0008), so numbers stay gapless across a change of prefix. A
 * reminder change applies from the next reminders run on: reminders already sent stay sent.
 */
export async function updateInvoiceSettings({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UpdateInvoiceSettingsInput;
}): Promise<InvoiceSettings> {
  const { db } = ctx.services;
  const now = ctx.services.clock.now();
  const [numbering] = await numberingQuery(ctx);
  const before = toInvoiceSettings(ctx, numbering);
  const reminders = input.reminders ?? {};
  const settings: InvoiceSettings = {
    ...before,
    number_prefix: input.number_prefix ?? before.number_prefix,
    reminders: {
      enabled: reminders.enabled ?? before.reminders.enabled,
      before_due_days: ascending(reminders.before_due_days ?? before.reminders.before_due_days),
      after_due_days: ascending(reminders.after_due_days ?? before.reminders.after_due_days),
    },
  };
  const columns = {
    prefix: settings.number_prefix,
    remindersEnabled: settings.reminders.enabled,
    reminderBeforeDueDays: settings.reminders.before_due_days,
    reminderAfterDueDays: settings.reminders.after_due_days,
  };
  // Only the fields sent are written over an existing row, so a concurrent change of the others stays.
  const sent = {
    ...(input.number_prefix === undefined ? {} : { prefix: columns.prefix }),
    ...(reminders.enabled === undefined ? {} : { remindersEnabled: columns.remindersEnabled }),
    ...(reminders.before_due_days === undefined
      ? {}
      : { reminderBeforeDueDays: columns.reminderBeforeDueDays }),
    ...(reminders.after_due_days === undefined ? {} : { reminderAfterDueDays: columns.reminderAfterDueDays }),
  };
  await runBatch(ctx.services, [
    db
      .insert(invoiceNumbering)
      .values({
        merchantId: ctx.merchantId,
        environment: ctx.environment,
        lastNumber: 0,
        updatedAt: now,
        ...columns,
      })
      .onConflictDoUpdate({
        target: [invoiceNumbering.merchantId, invoiceNumbering.environment],
        set: { ...sent, updatedAt: now },
      }),
    db.execute(
      changeStatement(ctx, {
        type: "invoice_settings.updated",
        object: { id: `invoice_settings_${ctx.environment}`, ...settings },
        previousAttributes: previousAttributes(before, settings),
      }),
    ),
  ]);
  return settings;
}
