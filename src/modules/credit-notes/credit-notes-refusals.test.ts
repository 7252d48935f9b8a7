import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { type ApiResponse, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { runFunctionFor } from "../../../test/verifications";
import { type Invoice, newDraft, newOpenInvoice } from "../invoices/testing";
import { type CreditNote, creditNoteCount, eventTypes, openInvoice, paidInvoice } from "./testing";

/** The invoice's credit columns and event count: what a refused note must leave as it was. */
async function invoiceState(id: string): Promise<unknown> {
  const [row] = await query(
    `select status, pre_payment_credit_notes_amount, post_payment_credit_notes_amount, credit_note_count,
      (select count(*) from events where object_id = $1) as events from invoices where id = $1`,
    [id],
  );
  return row;
}

/** Runs payment-reconcile (which finishes refunding credit notes) for one merchant, in a window of its own. */
async function fireReconcile(m: TestMerchant): Promise<void> {
  const outcome = await runFunctionFor("payment-reconcile", { merchant: m.merchantId }, 0);
  expect(outcome.status, JSON.stringify(outcome)).toBe("succeeded");
}

function expectBadRequest(response: ApiResponse): void {
  expect(response.status, response.text).toBe(400);
  expect((response.body as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
}

describe("credit notes: refusals write nothing", () => {
  it("refuses bad bodies, over-credit, drafts and void invoices, other tenants' invoices", async () => {
    const m = await createMerchant();
    const invoice = await openInvoice(m, 5_000);
    const before = await invoiceState(invoice.id);
    const post = (body: unknown) => m.sandbox.request("POST", "/credit-notes", body);

    expectError(await post({ invoice: invoice.id, amount: 5_001 }), 400, "credit_note_amount_invalid");
    expectError(
      await post({
        invoice: invoice.id,
        lines: [
          { type: "custom_line_item", description: "a", amount: 3_000 },
          { type: "custom_line_item", description: "b", amount: 2_001 },
        ],
      }),
      400,
      "credit_note_amount_invalid",
    );
    expectError(
      await post({
        invoice: invoice.id,
        amount: 100,
        lines: [{ type: "custom_line_item", description: "a", amount: 100 }],
      }),
      400,
      "credit_note_amount_invalid",
    );
    expectError(await post({ invoice: invoice.id }), 400, "parameter_missing");
    for (const amount of [0, -100, 1.5]) {
      expectError(await post({ invoice: invoice.id, amount }), 400, "amount_invalid");
      expectBadRequest(
        await post({ invoice: invoice.id, lines: [{ type: "custom_line_item", description: "a", amount }] }),
      );
    }
    expectError(await post({ invoice: invoice.id, amount: 100, colour: "red" }), 400, "parameter_unknown");
    expectBadRequest(
      await post({
        invoice: invoice.id,
        lines: [{ type: "invoice_line_item", invoice_line_item: "ii_nope" }],
      }),
    );
    expectBadRequest(await post({ invoice: invoice.id, amount: 100, memo: "bad\u0000byte" }));
    expectBadRequest(await post({ invoice: invoice.id, amount: 100, memo: "x".repeat(100 * 1024) }));
    const huge = await post({ invoice: invoice.id, amount: 100, metadata: { note: "x".repeat(100 * 1024) } });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);

    // Another merchant's invoice and the other environment's are not found.
    const other = await createMerchant();
    expectError(
      await other.sandbox.request("POST", "/credit-notes", { invoice: invoice.id, amount: 100 }),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("POST", "/credit-notes", { invoice: invoice.id, amount: 100 }),
      404,
      "resource_missing",
    );
    expectError(
      await other.sandbox.request("POST", "/credit-notes/preview", { invoice: invoice.id, amount: 100 }),
      404,
      "resource_missing",
    );

    // A draft is still editable and a void invoice owes nothing: no notes on either (400, as Stripe).
    const draft = await newDraft(m);
    expectError(await post({ invoice: draft.id, amount: 100 }), 400, "credit_note_invoice_status_invalid");
    const voided = await newOpenInvoice(m);
    await m.sandbox.request("POST", `/invoices/${voided.id}/void`);
    expectError(await post({ invoice: voided.id, amount: 100 }), 400, "credit_note_invoice_status_invalid");

    expect(await invoiceState(invoice.id)).toEqual(before);
    expect(await query("select 1 from credit_notes where merchant_id = $1", [m.merchantId])).toHaveLength(0);
  }, 120_000);

  it("another merchant's or environment's credit note is 404 to read, list and void", async () => {
    const m = await createMerchant();
    const invoice = await openInvoice(m, 2_000);
    const note = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      amount: 500,
    });
    const other = await createMerchant();
    for (const client of [other.sandbox, m.production]) {
      expectError(await client.request("GET", `/credit-notes/${note.body.id}`), 404, "resource_missing");
      expectError(
        await client.request("POST", `/credit-notes/${note.body.id}/void`),
        404,
        "resource_missing",
      );
      const listed = await client.request<{ data: unknown[] }>("GET", `/credit-notes?invoice=${invoice.id}`);
      expect(listed.body.data).toEqual([]);
    }
    expect(await eventTypes(note.body.id)).toEqual(["credit_note.created"]);
  }, 120_000);
});

describe("credit notes: concurrency and idempotency", () => {
  it("10 parallel notes on one invoice never credit more than its total", async () => {
    const m = await createMerchant();
    const invoice = await openInvoice(m, 10_000);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        m.sandbox.request<CreditNote>("POST", "/credit-notes", { invoice: invoice.id, amount: 3_000 }),
      ),
    );
    const issued = results.filter((result) => result.status === 200);
    expect(issued).toHaveLength(3);
    for (const refused of results.filter((result) => result.status !== 200)) {
      expectError(refused, 400, "credit_note_amount_invalid");
    }
    expect(issued.map((result) => result.body.number).sort()).toEqual(
      ["01", "02", "03"].map((sequence) => `${invoice.number}-CN-${sequence}`),
    );
    const shown = await m.sandbox.request<Invoice>("GET", `/invoices/${invoice.id}`);
    expect(shown.body).toMatchObject({ status: "open", amount_due: 1_000, amount_remaining: 1_000 });
    expect(await creditNoteCount(invoice.id)).toBe(3);
  }, 120_000);

  it("10 parallel refunding notes on a paid invoice refund at most its total", async () => {
    const m = await createMerchant();
    const invoice = await paidInvoice(m, 10_000);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        m.sandbox.request<CreditNote>("POST", "/credit-notes", { invoice: invoice.id, amount: 4_000 }),
      ),
    );
    expect(results.filter((result) => result.status === 200)).toHaveLength(2);
    const payment = await m.sandbox.request<{ amount_refunded: number }>(
      "GET",
      `/payments/${invoice.payment}`,
    );
    expect(payment.body.amount_refunded).toBe(8_000);
    expect(await creditNoteCount(invoice.id)).toBe(2);
  }, 120_000);

  it("a retry with the same Idempotency-Key gives one credit note", async () => {
    const m = await createMerchant();
    const invoice = await openInvoice(m, 10_000);
    const body = { invoice: invoice.id, amount: 1_000 };
    const headers = { "idempotency-key": "credit-once" };
    const first = await Promise.all(
      [1, 2, 3].map(() => m.sandbox.request<CreditNote>("POST", "/credit-notes", body, headers)),
    );
    const original = first.find(
      (result) => result.status === 200 && !result.headers.get("idempotent-replayed"),
    );
    expect(original).toBeDefined();
    const retry = await m.sandbox.request<CreditNote>("POST", "/credit-notes", body, headers);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.id).toBe(original?.body.id);
    expect(await creditNoteCount(invoice.id)).toBe(1);
    const shown = await m.sandbox.request<Invoice>("GET", `/invoices/${invoice.id}`);
    expect(shown.body.amount_due).toBe(9_000);
  }, 120_000);
});

describe("credit notes: a request that died between its steps", () => {
  it("payment-reconcile links the refund a dead request made, or withdraws a note that made none", async () => {
    const m = await createMerchant();
    const invoice = await paidInvoice(m, 10_000);
    // Died after createRefund: the note as its first batch left it (unlinked, unannounced), the refund made.
    const refunded = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      amount: 3_000,
    });
    const refundId = refunded.body.refund;
    await query("update credit_notes set refund_id = null, created_at = '2001-01-01' where id = $1", [
      refunded.body.id,
    ]);
    await query("delete from events where object_id = $1", [refunded.body.id]);
    // Died before createRefund: a note that was to refund 2,000, with no refund made.
    const unrefunded = await m.sandbox.request<CreditNote>("POST", "/credit-notes", {
      invoice: invoice.id,
      amount: 2_000,
      out_of_band_amount: 2_000,
    });
    await query(
      "update credit_notes set refund_amount = 2000, out_of_band_amount = 0, created_at = '2001-01-01' where id = $1",
      [unrefunded.body.id],
    );
    await query("delete from events where object_id = $1", [unrefunded.body.id]);

    for (const _run of [1, 2]) {
      await fireReconcile(m);
      const linked = await m.sandbox.request<CreditNote>("GET", `/credit-notes/${refunded.body.id}`);
      expect(linked.body).toMatchObject({ status: "issued", refund: refundId });
      expect(await eventTypes(refunded.body.id)).toEqual(["credit_note.created"]);
      expectError(
        await m.sandbox.request("GET", `/credit-notes/${unrefunded.body.id}`),
        404,
        "resource_missing",
      );
      const shown = await m.sandbox.request("GET", `/invoices/${invoice.id}`);
      expect(shown.body).toMatchObject({ post_payment_credit_notes_amount: 3_000 });
    }
    const payment = await m.sandbox.request<{ amount_refunded: number }>(
      "GET",
      `/payments/${invoice.payment}`,
    );
    expect(payment.body.amount_refunded).toBe(3_000);
  }, 120_000);
});
