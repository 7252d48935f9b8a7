import { inArray, type SQL, sql } from "drizzle-orm";
import { changeApplied, runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { outboxEmailMember, sendQueuedEmails } from "../../core/email-outbox";
import { gatedChangeMembers } from "../../core/events";
import { systemContext } from "../../core/http";
import { newId } from "../../core/ids";
import { errorText, log } from "../../core/log";
import type { Environment } from "../../core/tables";
import { customerOnClock, invoiceRecipientOf } from "../customers/service";
import { reminderEmail, reminderEventType } from "./reminder-messages";
import { toInvoice } from "./rows";
import {
  DEFAULT_REMINDER_AFTER_DUE_DAYS,
  DEFAULT_REMINDER_BEFORE_DUE_DAYS,
  type InvoiceRow,
  invoiceNumbering,
  invoiceReminders,
  invoices,
  type ReminderKind,
} from "./tables";

/** Reminders sent per run (the next run, or the clock's next step, takes the rest). */
const BATCH_SIZE = 100;
/** No offset is longer than 90 days: invoices due further than this from now have nothing due. */
const REMINDER_HORIZON = sql.raw("interval '91 days'");

export interface ReminderScope {
  /** Invoices of this clock's customers; null: those of customers on real time. */
  testClock: { id: string; merchantId: string; environment: Environment } | null;
  /** On real time, only this merchant's invoices (an operator's re-run, or a test's). */
  merchantId?: string;
}

const daysArray = (days: readonly number[]) => sql.raw(`'{${days.join(",")}}'::integer[]`);

/** The invoices a run may remind: open, sent for payment with a due date, reminders on, in scope. */
function remindable(scope: ReminderScope): SQL {
  const clock = scope.testClock;
  const owner = clock
    ? sql`${invoices.merchantId} = ${clock.merchantId} and ${invoices.environment} = ${clock.environment}`
    : scope.merchantId === undefined
      ? sql`true`
      : sql`${invoices.merchantId} = ${scope.merchantId}`;
  return sql`${invoices.status} = 'open' and ${invoices.collectionMethod} = 'send_invoice'
    and ${invoices.dueAt} is not null and coalesce(${invoiceNumbering.remindersEnabled}, true)
    and ${owner} and ${customerOnClock(invoices.customerId, clock?.id ?? null)}`;
}

/**
 * Every reminder time of an invoice under its account's settings, as a lateral subquery `o(kind,
 * offset_days, scheduled_at)`. Times at or before the finalization are left out (the invoice was
 * not owed yet), and a before-due reminder only counts while the due date is ahead of `at`.
 */
function reminderTimes(at: Date): SQL {
  return sql`lateral (
    select * from (
      select 'before_due' as kind, d as offset_days, ${invoices.dueAt} - make_interval(days => d) as scheduled_at
        from unnest(coalesce(${invoiceNumbering.reminderBeforeDueDays}, ${daysArray(DEFAULT_REMINDER_BEFORE_DUE_DAYS)})) d
      union all
      select 'after_due', d, ${invoices.dueAt} + make_interval(days => d)
        from unnest(coalesce(${invoiceNumbering.reminderAfterDueDays}, ${daysArray(DEFAULT_REMINDER_AFTER_DUE_DAYS)})) d
    ) offsets
    where offsets.scheduled_at > ${invoices.finalizedAt}
      and (offsets.kind = 'after_due' or ${invoices.dueAt} > ${at.toISOString()}::timestamptz)
  ) o`;
}

const settingsJoin = sql`left join ${invoiceNumbering} on ${invoiceNumbering.merchantId} = ${invoices.merchantId}
  and ${invoiceNumbering.environment} = ${invoices.environment}`;

type DueReminder = {
  invoice_id: string;
  kind: ReminderKind;
  offset_days: number;
  scheduled_at: string;
};

/**
 * Per invoice, the latest reminder due at `at` when it was not sent yet: a run that fell behind
 * (or a clock that jumped) sends only the latest of the past ones, never a backlog.
 */
async function dueReminders(services: Services, scope: ReminderScope, at: Date): Promise<DueReminder[]> {
  const now = at.toISOString();
  const result = await services.db.execute<DueReminder>(sql`
    select ${invoices.id} as invoice_id, latest.kind, latest.offset_days, latest.scheduled_at
    from ${invoices} ${settingsJoin}
    cross join lateral (
      select o.kind, o.offset_days, o.scheduled_at from ${reminderTimes(at)}
      where o.scheduled_at <= ${now}::timestamptz order by o.scheduled_at desc limit 1
    ) latest
    where ${remindable(scope)}
      and ${invoices.dueAt} between ${now}::timestamptz - ${REMINDER_HORIZON} and ${now}::timestamptz + ${REMINDER_HORIZON}
      and not exists (select 1 from ${invoiceReminders} where ${invoiceReminders.invoiceId} = ${invoices.id}
        and ${invoiceReminders.kind} = latest.kind and ${invoiceReminders.offsetDays} = latest.offset_days)
    order by latest.scheduled_at
    limit ${BATCH_SIZE}`);
  return result.rows;
}

/** The earliest reminder time after `at` of the scope's invoices, or null. */
async function nextReminderAt(services: Services, scope: ReminderScope, at: Date): Promise<Date | null> {
  const result = await services.db.execute<{ next: string | null }>(sql`
    select min(o.scheduled_at) as next
    from ${invoices} ${settingsJoin} cross join ${reminderTimes(at)}
    where ${remindable(scope)} and o.scheduled_at > ${at.toISOString()}::timestamptz`);
  const next = result.rows[0]?.next;
  return next ? new Date(next) : null;
}

/**
 * Sends one reminder, exactly once: the reminder's record (unique on invoice, kind and offset, and
 * written only while the invoice is still open), its event and its outbox email are one statement,
 * so of two runs racing on it one writes all three and the other nothing. A live email is sent
 * after that commit. Answers whether this run sent it.
 */
async function sendReminder(
  ctx: ServiceContext,
  row: InvoiceRow,
  recipient: string | null,
  due: DueReminder,
): Promise<boolean> {
  const invoice = toInvoice(row, ctx.services.config.PUBLIC_URL);
  const email = recipient
    ? outboxEmailMember(
        ctx,
        reminderEmail(invoice, due.kind, due.offset_days, recipient),
        "reminded",
        "emailed",
      )
    : null;
  const now = ctx.services.clock.now().toISOString();
  const reminded = sql`reminded as (
    insert into ${invoiceReminders} (id, merchant_id, environment, invoice_id, kind, offset_days, scheduled_at,
      email_id, created_at)
    select ${newId("invoiceReminder")}, ${ctx.merchantId}, ${ctx.environment}, ${row.id}, ${due.kind},
      ${due.offset_days}, ${due.scheduled_at}::timestamptz, ${email?.id ?? null}, ${now}::timestamptz
    where exists (select 1 from ${invoices} where ${invoices.id} = ${row.id}
      and ${invoices.merchantId} = ${ctx.merchantId} and ${invoices.environment} = ${ctx.environment}
      and ${invoices.status} = 'open')
    on conflict (invoice_id, kind, offset_days) do nothing
    returning id
  )`;
  const change = gatedChangeMembers(
    ctx,
    { type: reminderEventType(due.kind), object: invoice },
    "reminded",
    "reminder",
  );
  const members = email ? sql`${reminded}, ${email.member}, ${change}` : sql`${reminded}, ${change}`;
  const [result] = await runBatch(ctx.services, [
    ctx.services.db.execute(sql`with ${members} select count(*)::int as applied from reminded`),
  ]);
  const applied = changeApplied(result);
  if (applied && email) await sendQueuedEmails(ctx.services, [email.id]);
  return applied;
}

/**
 * The invoice-reminders run at `at` for the scope: each invoice's latest due reminder not sent yet,
 * then when the scope next has one due (for a test clock's advance). On real time a failing
 * invoice is logged and the others go on; on a clock the failure stops the advance.
 */
export async function runInvoiceReminders(
  services: Services,
  scope: ReminderScope,
  at: Date,
): Promise<{ sent: number; failed: number; nextDueAt: Date | null }> {
  const due = await dueReminders(services, scope, at);
  const rows =
    due.length === 0
      ? []
      : await services.db
          .select({ invoice: invoices, recipient: invoiceRecipientOf(invoices) })
          .from(invoices)
          .where(
            inArray(
              invoices.id,
              due.map((reminder) => reminder.invoice_id),
            ),
          );
  let sent = 0;
  let failed = 0;
  for (const reminder of due) {
    const found = rows.find((candidate) => candidate.invoice.id === reminder.invoice_id);
    if (!found) continue;
    const ctx = systemContext(services, found.invoice, "invoice-reminders");
    try {
      if (await sendReminder(ctx, found.invoice, found.recipient, reminder)) sent += 1;
    } catch (error) {
      if (scope.testClock) throw error;
      failed += 1;
      log("error", "invoice_reminder_failed", { invoice: reminder.invoice_id, error: errorText(error) });
    }
  }
  // A full batch leaves more due now: the clock's advance runs again at the same time. On real time
  // nobody asks when the next one is (the schedule runs every 15 minutes), so the scan is skipped.
  const nextDueAt =
    due.length === BATCH_SIZE ? at : scope.testClock ? await nextReminderAt(services, scope, at) : null;
  return { sent, failed, nextDueAt };
}
