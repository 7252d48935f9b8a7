import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import { startWebhookReceiver } from "../../../test/webhook-receiver";
import { advance } from "../subscriptions/testing";
import { outboxOf, remindedSubscription, reminderEvents } from "./reminders-testing";
import { runInvoiceReminders } from "./service";
import type { Invoice } from "./testing";

const DAY_MS = 86_400_000;

/** A production invoice sent for payment to `email`, due a day after its finalization (now). */
async function liveInvoice(m: Awaited<ReturnType<typeof createMerchant>>, email: string): Promise<Invoice> {
  const customer = await m.production.request<{ id: string }>("POST", "/customers", { email });
  await m.production.request("POST", "/invoice-items", {
    customer: customer.body.id,
    amount: 990,
    currency: "EUR",
  });
  const draft = await m.production.request<Invoice>("POST", "/invoices", {
    customer: customer.body.id,
    collection_method: "send_invoice",
    days_until_due: 1,
  });
  const open = await m.production.request<Invoice>("POST", `/invoices/${draft.body.id}/finalize`);
  if (open.status !== 200) throw new Error(`finalize: ${open.text}`);
  return open.body;
}

/** Runs the reminders for the merchant's real-time invoices two days from now, with the mailer `overrides` configure. */
async function remindLive(merchantId: string, overrides: Record<string, string>) {
  const services = nodeServices(overrides);
  const at = new Date(Date.now() + 2 * DAY_MS);
  try {
    return await runInvoiceReminders(
      { ...services, clock: { now: () => at } },
      { testClock: null, merchantId },
      at,
    );
  } finally {
    await services.close();
  }
}

async function liveOutbox(invoice: string) {
  return query<{ to: string; status: string; failure_reason: string | null; sent_at: Date | null }>(
    'select "to", status, failure_reason, sent_at from email_outbox where related_object = $1',
    [invoice],
  );
}

describe("invoice reminders on a test clock", () => {
  it("sends each reminder once, before and after the due date: the event and the sandbox email", async () => {
    const m = await createMerchant();
    const { clock, invoice } = await remindedSubscription(m, "payer@example.com");
    await advance(m, clock, "2027-01-07T23:00:00Z");
    expect(await reminderEvents(invoice)).toEqual([]);

    await advance(m, clock, "2027-01-08T12:00:00Z");
    expect(await reminderEvents(invoice)).toEqual([
      { type: "invoice.will_be_due", at: "2027-01-08T00:00:00.000Z" },
    ]);
    const [first, ...others] = await outboxOf(m, invoice);
    expect(others).toEqual([]);
    expect(first).toMatchObject({
      to: "payer@example.com",
      template: "invoice_reminder",
      related_object: invoice,
      status: "sandbox",
      tags: { invoice, reminder: "before_due", offset_days: "3" },
      created_at: "2027-01-08T00:00:00.000Z",
    });
    expect(first?.subject).toMatch(/^Invoice INV-\d{4} is due on 2027-01-11$/);
    expect(first?.text).toContain("25.00 USD");
    expect(first?.text).toContain(`/invoice/${invoice}?token=`);

    // Moving again inside the same reminder's window sends nothing more.
    await advance(m, clock, "2027-01-09T00:00:00Z");
    await advance(m, clock, "2027-01-12T06:00:00Z");
    await advance(m, clock, "2027-01-12T07:00:00Z");
    await advance(m, clock, "2027-01-26T00:00:00Z");
    expect(await reminderEvents(invoice)).toEqual([
      { type: "invoice.will_be_due", at: "2027-01-08T00:00:00.000Z" },
      { type: "invoice.overdue", at: "2027-01-12T00:00:00.000Z" },
      { type: "invoice.overdue", at: "2027-01-18T00:00:00.000Z" },
      { type: "invoice.overdue", at: "2027-01-25T00:00:00.000Z" },
    ]);
    const emails = await outboxOf(m, invoice);
    expect(emails.map((email) => [email.tags.reminder, email.tags.offset_days])).toEqual([
      ["before_due", "3"],
      ["after_due", "1"],
      ["after_due", "7"],
      ["after_due", "14"],
    ]);
    expect(emails[1]?.subject).toMatch(/^Invoice INV-\d{4} is overdue$/);
    const filtered = await m.sandbox.request<{ data: unknown[] }>(
      "GET",
      "/sandbox/emails?to=payer@example.com",
    );
    expect(filtered.body.data).toHaveLength(4);
    const other = await m.sandbox.request<{ data: unknown[] }>(
      "GET",
      "/sandbox/emails?to=someone@example.com",
    );
    expect(other.body.data).toEqual([]);
  });

  it("sends only the latest of several past reminders, once under concurrent runs", async () => {
    const m = await createMerchant();
    const { clock, invoice } = await remindedSubscription(m, "late@example.com");
    const services = nodeServices();
    const ref = { id: clock, merchantId: m.merchantId, environment: "sandbox" as const };
    // A run that fell behind by two weeks: Jan 8 and Jan 12 are past, Jan 18 is the latest.
    const at = new Date("2027-01-20T00:00:00Z");
    const runs = await Promise.all([
      runInvoiceReminders({ ...services, clock: { now: () => at } }, { testClock: ref }, at),
      runInvoiceReminders({ ...services, clock: { now: () => at } }, { testClock: ref }, at),
      runInvoiceReminders({ ...services, clock: { now: () => at } }, { testClock: ref }, at),
    ]);
    expect(runs.reduce((sum, run) => sum + run.sent, 0)).toBe(1);
    expect(runs[0]?.nextDueAt?.toISOString()).toBe("2027-01-25T00:00:00.000Z");
    expect(await reminderEvents(invoice)).toEqual([{ type: "invoice.overdue", at: at.toISOString() }]);
    expect((await outboxOf(m, invoice)).map((email) => email.tags.offset_days)).toEqual(["7"]);
    const recorded = await query("select kind, offset_days from invoice_reminders where invoice_id = $1", [
      invoice,
    ]);
    expect(recorded).toEqual([{ kind: "after_due", offset_days: 7 }]);
    // Real time never reminds a clock customer's invoice, however late it is.
    const realTime = await runInvoiceReminders(
      services,
      { testClock: null, merchantId: m.merchantId },
      new Date("2027-02-20T00:00:00Z"),
    );
    expect(realTime.sent).toBe(0);
    await services.close();
  });

  it("sends nothing for a paid invoice, and nothing more once an invoice is paid between reminders", async () => {
    const m = await createMerchant();
    const paidFirst = await remindedSubscription(m, "paid@example.com");
    const paid = await m.sandbox.request("POST", `/invoices/${paidFirst.invoice}/mark_paid`, {
      reference: "wire",
    });
    expect(paid.status).toBe(200);
    await advance(m, paidFirst.clock, "2027-01-26T00:00:00Z");
    expect(await reminderEvents(paidFirst.invoice)).toEqual([]);

    const paidLater = await remindedSubscription(m, "later@example.com");
    await advance(m, paidLater.clock, "2027-01-12T12:00:00Z");
    expect((await reminderEvents(paidLater.invoice)).map((event) => event.type)).toEqual([
      "invoice.will_be_due",
      "invoice.overdue",
    ]);
    await m.sandbox.request("POST", `/invoices/${paidLater.invoice}/mark_paid`, { reference: "cheque" });
    await advance(m, paidLater.clock, "2027-01-26T00:00:00Z");
    expect(await reminderEvents(paidLater.invoice)).toHaveLength(2);
    expect(await outboxOf(m, paidLater.invoice)).toHaveLength(2);
  });

  it("writes the event but no email for a customer without an email address", async () => {
    const m = await createMerchant();
    const { clock, invoice } = await remindedSubscription(m, null);
    await advance(m, clock, "2027-01-08T12:00:00Z");
    expect((await reminderEvents(invoice)).map((event) => event.type)).toEqual(["invoice.will_be_due"]);
    expect(await outboxOf(m, invoice)).toEqual([]);
    const recorded = await query("select email_id from invoice_reminders where invoice_id = $1", [invoice]);
    expect(recorded).toEqual([{ email_id: null }]);
  });
});

describe("reminder settings", () => {
  it("shows the defaults, takes valid days (sorted) and turns reminders off", async () => {
    const m = await createMerchant();
    const initial = await m.sandbox.request("GET", "/invoice-settings");
    expect(initial.body).toMatchObject({
      number_prefix: "INV",
      reminders: { enabled: true, before_due_days: [3], after_due_days: [1, 7, 14] },
    });
    const updated = await m.sandbox.request("PATCH", "/invoice-settings", {
      reminders: { before_due_days: [7, 1], after_due_days: [] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      number_prefix: "INV",
      reminders: { enabled: true, before_due_days: [1, 7], after_due_days: [] },
    });
    const prefixed = await m.sandbox.request("PATCH", "/invoice-settings", { number_prefix: "ACME" });
    expect(prefixed.body).toMatchObject({ number_prefix: "ACME", reminders: { before_due_days: [1, 7] } });
    const production = await m.production.request("GET", "/invoice-settings");
    expect(production.body).toMatchObject({ reminders: { before_due_days: [3] } });

    await m.sandbox.request("PATCH", "/invoice-settings", { reminders: { enabled: false } });
    const { clock, invoice } = await remindedSubscription(m, "off@example.com");
    await advance(m, clock, "2027-01-26T00:00:00Z");
    expect(await reminderEvents(invoice)).toEqual([]);
  });

  it("refuses bad days with a 400 and changes nothing", async () => {
    const m = await createMerchant();
    const refusals: Array<[unknown, string]> = [
      [{ before_due_days: [0] }, "parameter_invalid"],
      [{ after_due_days: [91] }, "parameter_invalid"],
      [{ after_due_days: [1, 2, 3, 4, 5, 6] }, "parameter_invalid"],
      [{ before_due_days: [3, 3] }, "parameter_invalid"],
      [{ before_due_days: [1.5] }, "parameter_invalid"],
      [{ before_due_days: "3" }, "parameter_invalid"],
      [{ enabled: "yes" }, "parameter_invalid"],
      [{ every_days: [1] }, "parameter_unknown"],
    ];
    for (const [reminders, code] of refusals) {
      expectError(
        await m.sandbox.request("PATCH", "/invoice-settings", { number_prefix: "NEW", reminders }),
        400,
        code,
      );
    }
    const settings = await m.sandbox.request("GET", "/invoice-settings");
    expect(settings.body).toMatchObject({
      number_prefix: "INV",
      reminders: { enabled: true, before_due_days: [3], after_due_days: [1, 7, 14] },
    });
  });
});

describe("the sandbox outbox", () => {
  it("answers live keys 403 sandbox_only", async () => {
    const m = await createMerchant();
    expectError(await m.production.request("GET", "/sandbox/emails"), 403, "sandbox_only");
  });
});

describe("live reminder emails", () => {
  it("are recorded in the outbox, then POSTed to MAILER_URL after commit: sent, or failed with the reason", async () => {
    const receiver = await startWebhookReceiver();
    receiver.respond("/fail", () => ({ status: 503 }));
    try {
      const m = await createMerchant();
      const invoice = await liveInvoice(m, "live@example.com");
      const run = await remindLive(m.merchantId, {
        MAILER_URL: receiver.url("/mail"),
        MAILER_TOKEN: "mail-token",
      });
      expect(run).toMatchObject({ sent: 1, failed: 0 });
      const [mail, ...more] = receiver.received("/mail");
      expect(more).toEqual([]);
      expect(mail?.headers.authorization).toBe("Bearer mail-token");
      expect(JSON.parse(mail?.body ?? "{}")).toMatchObject({
        to: "live@example.com",
        template: "invoice_reminder",
        subject: `Invoice ${invoice.number} is overdue`,
        tags: { invoice: invoice.id, reminder: "after_due", offset_days: "1", environment: "production" },
      });
      expect(await liveOutbox(invoice.id)).toMatchObject([{ to: "live@example.com", status: "sent" }]);
      expect((await reminderEvents(invoice.id)).map((event) => event.type)).toEqual(["invoice.overdue"]);

      const refused = await liveInvoice(m, "refused@example.com");
      await remindLive(m.merchantId, { MAILER_URL: receiver.url("/fail") });
      expect(await liveOutbox(refused.id)).toMatchObject([
        { status: "failed", failure_reason: "mailer answered 503" },
      ]);
      expect(await reminderEvents(refused.id)).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("are recorded as not_sent while no MAILER_URL is configured", async () => {
    const m = await createMerchant();
    const invoice = await liveInvoice(m, "unconfigured@example.com");
    expect(await remindLive(m.merchantId, {})).toMatchObject({ sent: 1 });
    expect(await liveOutbox(invoice.id)).toMatchObject([{ status: "not_sent", sent_at: null }]);
  });
});
