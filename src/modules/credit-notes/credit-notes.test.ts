import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import type { Invoice } from "../invoices/testing";
import { type CreditNote, eventTypes, markedPaidInvoice, openInvoice, paidInvoice } from "./testing";

async function balances(merchantId: string): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; balance: string }>(
    "select kind, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = 'USD'",
    [merchantId],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.balance)]));
}

describe("credit notes: pre-payment (open invoice)", () => {
  it("a partial note lowers amount_due, a note for the rest marks it paid, void gives it back", async () => {
    const m = await createMerchant();
    const invoice = await openInvoice(m, 10_000);
    const line = invoice.lines[0]?.invoice_item ?? "";
    const first = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      lines: [{ type: "invoice_line_item", invoice_line_item: line, amount: 2_500 }],
      reason: "order_change",
      memo: "Two items were missing",
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      object: "credit_note",
      number: `${invoice.number}-CN-01`,
      status: "issued",
      type: "pre_payment",
      total: 2_500,
      refund: null,
      lines: [{ type: "invoice_line_item", invoice_line_item: line, amount: 2_500 }],
    });
    expect(first.body.id).toMatch(/^cn_/);
    let shown = await m.sandbox.request<Invoice & { pre_payment_credit_notes_amount: number }>(
      "GET",
      `/invoices/${invoice.id}`,
    );
    expect(shown.body).toMatchObject({
      status: "open",
      total: 10_000,
      amount_due: 7_500,
      amount_remaining: 7_500,
      pre_payment_credit_notes_amount: 2_500,
    });
    expect(await eventTypes(first.body.id)).toEqual(["credit_note.created"]);

    // A void gives the amount back to amount_due while the invoice is still open.
    const voided = await m.sandbox.request<CreditNote>("POST", `/credit-notes/${first.body.id}/void`);
    expect(voided.body).toMatchObject({ status: "void" });
    expect(voided.body.voided_at).not.toBeNull();
    shown = await m.sandbox.request("GET", `/invoices/${invoice.id}`);
    expect(shown.body).toMatchObject({ amount_due: 10_000, pre_payment_credit_notes_amount: 0 });
    expect(await eventTypes(first.body.id)).toEqual(["credit_note.created", "credit_note.voided"]);
    expectError(
      await m.sandbox.request("POST", `/credit-notes/${first.body.id}/void`),
      409,
      "credit_note_not_voidable",
    );

    const partial = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      amount: 4_000,
    });
    expect(partial.body).toMatchObject({ number: `${invoice.number}-CN-02`, total: 4_000 });
    const rest = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      lines: [{ type: "custom_line_item", description: "Goodwill", amount: 6_000 }],
    });
    expect(rest.body).toMatchObject({ number: `${invoice.number}-CN-03`, total: 6_000 });
    shown = await m.sandbox.request("GET", `/invoices/${invoice.id}`);
    expect(shown.body).toMatchObject({
      status: "paid",
      amount_due: 0,
      amount_paid: 0,
      amount_remaining: 0,
      pre_payment_credit_notes_amount: 10_000,
      payment: null,
    });
    expect(await eventTypes(invoice.id)).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.updated",
      "invoice.updated",
      "invoice.updated",
      "invoice.paid",
    ]);
    // Its invoice is no longer owed: the note can't be voided (nor any more credited).
    expectError(
      await m.sandbox.request("POST", `/credit-notes/${rest.body.id}/void`),
      409,
      "credit_note_not_voidable",
    );
    expectError(
      await m.sandbox.request("POST", "/credit-notes", { invoice: invoice.id, amount: 1 }),
      400,
      "credit_note_amount_invalid",
    );
    const listed = await m.sandbox.request<{ data: CreditNote[] }>(
      "GET",
      `/credit-notes?invoice=${invoice.id}`,
    );
    expect(listed.body.data.map((note) => note.id)).toEqual([rest.body.id, partial.body.id, first.body.id]);
    const byCustomer = await m.sandbox.request<{ data: CreditNote[] }>(
      "GET",
      `/credit-notes?customer=${invoice.customer}&limit=1`,
    );
    expect(byCustomer.body).toMatchObject({ has_more: true, data: [{ id: rest.body.id }] });
    const one = await m.sandbox.request<CreditNote>("GET", `/credit-notes/${partial.body.id}`);
    expect(one.body).toEqual(partial.body);
  }, 120_000);

  it("credits a line by quantity at its unit price, and a pre-payment note takes no refund_amount", async () => {
    const m = await createMerchant();
    const invoice = await openInvoice(m, 3_000);
    const line = invoice.lines[0]?.invoice_item ?? "";
    const whole = await m.sandbox.request<CreditNote>("POST", "/credit-notes/preview", {
      invoice: invoice.id,
      lines: [{ type: "invoice_line_item", invoice_line_item: line }],
    });
    expect(whole.body).toMatchObject({ total: 3_000, lines: [{ quantity: 1, amount: 3_000 }] });
    expectError(
      await m.sandbox.request("POST", "/credit-notes", {
        invoice: invoice.id,
        lines: [{ type: "invoice_line_item", invoice_line_item: line, quantity: 2 }],
      }),
      400,
      "credit_note_amount_invalid",
    );
    for (const field of ["refund_amount", "out_of_band_amount"]) {
      expectError(
        await m.sandbox.request("POST", "/credit-notes", { invoice: invoice.id, amount: 100, [field]: 0 }),
        400,
        "credit_note_amount_invalid",
      );
    }
  }, 120_000);

  it("preview answers the note create then issues, writing nothing", async () => {
    const m = await createMerchant();
    const invoice = await openInvoice(m, 5_000);
    const body = { invoice: invoice.id, amount: 1_200, reason: "duplicate", metadata: { ticket: "T-1" } };
    const preview = await m.sandbox.request<CreditNote>("POST", "/credit-notes/preview", body);
    expect(preview.status).toBe(200);
    expect(await query("select 1 from credit_notes where invoice_id = $1", [invoice.id])).toHaveLength(0);
    const created = await m.sandbox.request<CreditNote>("POST", "/credit-notes", body);
    const comparable = ({ id, created_at, updated_at, ...rest }: CreditNote) => rest;
    expect(comparable(created.body)).toEqual(comparable(preview.body));
  }, 120_000);
});

describe("credit notes: post-payment (paid invoice)", () => {
  it("refund_amount refunds the invoice's payment through Refunds, into the ledger, and can't be voided", async () => {
    const m = await createMerchant();
    const invoice = await paidInvoice(m, 10_000);
    const payment = await m.sandbox.request<{ net: number }>("GET", `/payments/${invoice.payment}`);
    expect(await balances(m.merchantId)).toMatchObject({ merchant_pending: payment.body.net });
    const note = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      amount: 3_000,
      reason: "product_unsatisfactory",
    });
    expect(note.status).toBe(200);
    expect(note.body).toMatchObject({
      type: "post_payment",
      total: 3_000,
      refund_amount: 3_000,
      out_of_band_amount: 0,
    });
    const refund = await m.sandbox.request<{
      amount: number;
      payment: string;
      status: string;
      reason: string;
    }>("GET", `/refunds/${note.body.refund}`);
    expect(refund.body).toMatchObject({
      amount: 3_000,
      payment: invoice.payment,
      status: "succeeded",
      reason: "requested_by_customer",
      metadata: { credit_note: note.body.id, invoice: invoice.id },
    });
    // The refund drew on the payment's own pending funds, as the refunds module posts it.
    expect(await balances(m.merchantId)).toMatchObject({ merchant_pending: payment.body.net - 3_000 });
    const shown = await m.sandbox.request("GET", `/invoices/${invoice.id}`);
    expect(shown.body).toMatchObject({
      status: "paid",
      amount_paid: 10_000,
      post_payment_credit_notes_amount: 3_000,
      pre_payment_credit_notes_amount: 0,
    });
    expect(await eventTypes(note.body.id)).toEqual(["credit_note.created"]);
    const [event] = await query<{ data: { refund: string } }>(
      "select data from events where object_id = $1 and type = 'credit_note.created'",
      [note.body.id],
    );
    expect(event?.data.refund).toBe(note.body.refund);
    expectError(
      await m.sandbox.request("POST", `/credit-notes/${note.body.id}/void`),
      409,
      "credit_note_not_voidable",
    );
    // More than the payment has left to refund is refused before anything is written.
    expectError(
      await m.sandbox.request("POST", "/credit-notes", { invoice: invoice.id, amount: 7_001 }),
      400,
      "credit_note_amount_invalid",
    );
  }, 120_000);

  it("out of band and mixed notes must add up to the total; out of band ones can be voided", async () => {
    const m = await createMerchant();
    const invoice = await paidInvoice(m, 10_000);
    const outside = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      amount: 1_000,
      out_of_band_amount: 1_000,
    });
    expect(outside.body).toMatchObject({ refund_amount: 0, out_of_band_amount: 1_000, refund: null });
    const mixed = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      amount: 2_000,
      refund_amount: 1_500,
      out_of_band_amount: 500,
    });
    expect(mixed.body).toMatchObject({ refund_amount: 1_500, out_of_band_amount: 500 });
    expect(mixed.body.refund).toMatch(/^re_/);
    expectError(
      await m.sandbox.request("POST", "/credit-notes", {
        invoice: invoice.id,
        amount: 2_000,
        refund_amount: 1_500,
        out_of_band_amount: 400,
      }),
      400,
      "credit_note_amount_invalid",
    );
    const payment = await m.sandbox.request<{ amount_refunded: number }>(
      "GET",
      `/payments/${invoice.payment}`,
    );
    expect(payment.body.amount_refunded).toBe(1_500);
    const voided = await m.sandbox.request<CreditNote>("POST", `/credit-notes/${outside.body.id}/void`);
    expect(voided.body.status).toBe("void");
    const shown = await m.sandbox.request("GET", `/invoices/${invoice.id}`);
    expect(shown.body).toMatchObject({ status: "paid", post_payment_credit_notes_amount: 2_000 });
  }, 120_000);

  it("a refund_amount above what the payment has left to refund is refused, writing nothing", async () => {
    const m = await createMerchant();
    const invoice = await paidInvoice(m, 10_000);
    // Refunded directly, outside credit notes: the invoice could still be credited 10,000, the payment only 5,000.
    const direct = await m.sandbox.request("POST", `/payments/${invoice.payment}/refunds`, { amount: 5_000 });
    expect(direct.status).toBe(200);
    expectError(
      await m.sandbox.request("POST", "/credit-notes", { invoice: invoice.id, amount: 6_000 }),
      400,
      "credit_note_amount_invalid",
    );
    expect(await query("select 1 from credit_notes where invoice_id = $1", [invoice.id])).toHaveLength(0);
    const split = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      amount: 6_000,
      refund_amount: 5_000,
    });
    expect(split.body).toMatchObject({ refund_amount: 5_000, out_of_band_amount: 1_000 });
    const payment = await m.sandbox.request<{ amount_refunded: number }>(
      "GET",
      `/payments/${invoice.payment}`,
    );
    expect(payment.body.amount_refunded).toBe(10_000);
  }, 120_000);

  it("a note whose refund the refunds module refuses is withdrawn: no note, no credit, no event", async () => {
    const m = await createMerchant();
    const invoice = await paidInvoice(m, 10_000);
    // Only a race leaves a paid invoice's payment unrefundable after the note's own check (createRefund
    // applies the refund rules itself); its status is set in SQL to reach the withdrawal deterministically.
    await query("update payments set status = 'processing' where id = $1", [invoice.payment]);
    expectError(
      await m.sandbox.request("POST", "/credit-notes", { invoice: invoice.id, amount: 2_000 }),
      409,
      "payment_state_invalid",
    );
    expect(await query("select 1 from credit_notes where invoice_id = $1", [invoice.id])).toHaveLength(0);
    expect(await query("select 1 from refunds where payment_id = $1", [invoice.payment])).toHaveLength(0);
    const shown = await m.sandbox.request("GET", `/invoices/${invoice.id}`);
    expect(shown.body).toMatchObject({ status: "paid", post_payment_credit_notes_amount: 0 });
    expect(await eventTypes(invoice.id)).toEqual(["invoice.created", "invoice.finalized", "invoice.paid"]);
  }, 120_000);

  it("an invoice marked paid out of band takes out_of_band_amount only", async () => {
    const m = await createMerchant();
    const invoice = await markedPaidInvoice(m, 4_000);
    expectError(
      await m.sandbox.request("POST", "/credit-notes", {
        invoice: invoice.id,
        amount: 1_000,
        refund_amount: 1_000,
      }),
      400,
      "credit_note_amount_invalid",
    );
    const note = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      amount: 4_000,
    });
    expect(note.body).toMatchObject({ type: "post_payment", refund_amount: 0, out_of_band_amount: 4_000 });
    expect(await query("select 1 from refunds where merchant_id = $1", [m.merchantId])).toHaveLength(0);
  }, 120_000);
});
