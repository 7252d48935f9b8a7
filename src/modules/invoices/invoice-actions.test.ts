import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, call, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { type Invoice, newCustomer, newDraft, newItem, newOpenInvoice } from "./testing";

async function eventTypes(id: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at, id",
    [id],
  );
  return rows.map((row) => row.type);
}

/** A customer with a saved card (the given number) as default payment method. */
async function payingCustomer(m: TestMerchant, number: string): Promise<string> {
  const customer = await newCustomer(m);
  const method = await m.sandbox.request<{ id: string }>("POST", "/payment-methods", {
    type: "card",
    card: { number, exp_month: 11, exp_year: 2041, cvc: "123" },
  });
  await m.sandbox.request("POST", `/payment-methods/${method.body.id}/attach`, {
    customer,
    set_default: true,
  });
  return customer;
}

describe("invoices: finalize and numbering", () => {
  it("numbers per merchant with no gaps, with a configurable prefix, and sets the due date", async () => {
    const m = await createMerchant();
    const first = await newOpenInvoice(m);
    expect(first).toMatchObject({ status: "open", number: "INV-0001", due_date: null });
    expect(first.status_transitions.finalized_at).not.toBeNull();
    expectError(
      await m.sandbox.request("POST", `/invoices/${first.id}/finalize`),
      409,
      "invoice_status_invalid",
    );
    const settings = await m.sandbox.request("PATCH", "/invoice-settings", { number_prefix: "ACME" });
    expect(settings.body).toMatchObject({
      object: "invoice_settings",
      number_prefix: "ACME",
      next_number: 2,
    });
    expectError(
      await m.sandbox.request("PATCH", "/invoice-settings", { number_prefix: "a-b" }),
      400,
      "parameter_invalid",
    );
    const second = await newOpenInvoice(m, { collection_method: "send_invoice", days_until_due: 10 });
    expect(second.number).toBe("ACME-0002");
    const finalizedAt = Date.parse(second.status_transitions.finalized_at ?? "");
    expect(Date.parse(second.due_date ?? "")).toBe(finalizedAt + 10 * 86_400_000);
    // Another merchant numbers from 1.
    expect((await newOpenInvoice(await createMerchant())).number).toBe("INV-0001");
    expect(await eventTypes(first.id)).toEqual(["invoice.created", "invoice.finalized"]);
  }, 120_000);
});

describe("invoices: concurrent finalization", () => {
  it("finalizes every draft exactly once, numbered 1..n with no gap, when each is finalized twice at once", async () => {
    const m = await createMerchant();
    const drafts = await Promise.all(Array.from({ length: 5 }, () => newDraft(m)));
    const answers = await Promise.all(
      drafts.flatMap((draft) =>
        [0, 1].map(() => m.sandbox.request<Invoice>("POST", `/invoices/${draft.id}/finalize`)),
      ),
    );
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(5);
    expect(
      answers.filter((answer) => answer.status !== 200).map((answer) => [answer.status, answer.text]),
    ).toEqual(
      Array.from({ length: 5 }, () => [409, expect.stringContaining('"code":"invoice_status_invalid"')]),
    );
    expect(won.map((answer) => answer.body.number).sort()).toEqual([
      "INV-0001",
      "INV-0002",
      "INV-0003",
      "INV-0004",
      "INV-0005",
    ]);
    expect(new Set(won.map((answer) => answer.body.id)).size).toBe(5);
  }, 120_000);
});

describe("invoices: void, uncollectible, paid out of band", () => {
  it("moves open invoices by the rules and refuses the rest", async () => {
    const m = await createMerchant();
    const draft = await newDraft(m);
    expectError(await m.sandbox.request("POST", `/invoices/${draft.id}/void`), 409, "invoice_status_invalid");
    expectError(
      await m.sandbox.request("POST", `/invoices/${draft.id}/mark_paid`, { reference: "x" }),
      409,
      "invoice_status_invalid",
    );

    const voided = await newOpenInvoice(m);
    const afterVoid = await m.sandbox.request<Invoice>("POST", `/invoices/${voided.id}/void`);
    expect(afterVoid.body).toMatchObject({ status: "void", amount_remaining: 0 });
    expectError(
      await m.sandbox.request("POST", `/invoices/${voided.id}/void`),
      409,
      "invoice_status_invalid",
    );

    const bad = await newOpenInvoice(m);
    const uncollectible = await m.sandbox.request<Invoice>("POST", `/invoices/${bad.id}/mark_uncollectible`);
    expect(uncollectible.body).toMatchObject({ status: "uncollectible", amount_remaining: 1000 });
    expectError(
      await m.sandbox.request("POST", `/invoices/${bad.id}/mark_paid`, {}),
      400,
      "parameter_missing",
    );
    const paid = await m.sandbox.request<Invoice>(
      "POST",
      `/invoices/${bad.id}/mark_paid`,
      { reference: "WIRE-123" },
      { "idempotency-key": "mark-1" },
    );
    expect(paid.body).toMatchObject({
      status: "paid",
      paid_out_of_band: true,
      payment_reference: "WIRE-123",
      amount_paid: 1000,
      amount_remaining: 0,
      payment: null,
    });
    const replay = await m.sandbox.request<Invoice>(
      "POST",
      `/invoices/${bad.id}/mark_paid`,
      { reference: "WIRE-123" },
      { "idempotency-key": "mark-1" },
    );
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await eventTypes(bad.id)).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.marked_uncollectible",
      "invoice.paid",
    ]);
    expect(await eventTypes(voided.id)).toEqual(["invoice.created", "invoice.finalized", "invoice.voided"]);

    const other = await createMerchant();
    const open = await newOpenInvoice(m);
    for (const action of ["void", "mark_uncollectible", "finalize"]) {
      expectError(
        await other.sandbox.request("POST", `/invoices/${open.id}/${action}`),
        404,
        "resource_missing",
      );
      expectError(
        await m.production.request("POST", `/invoices/${open.id}/${action}`),
        404,
        "resource_missing",
      );
    }
    expect((await m.sandbox.request<Invoice>("GET", `/invoices/${open.id}`)).body.status).toBe("open");
  }, 120_000);
});

describe("invoices: pay", () => {
  it("charges the default payment method once, through Payments, into the ledger", async () => {
    const m = await createMerchant();
    const customer = await payingCustomer(m, "4000002500000003");
    await newItem(m, { customer, amount: 4200, currency: "EUR" });
    const draft = await m.sandbox.request<Invoice>("POST", "/invoices", { customer });
    const open = await m.sandbox.request<Invoice>("POST", `/invoices/${draft.body.id}/finalize`);
    const pays = await Promise.all(
      [1, 2, 3].map(() =>
        m.sandbox.request<Invoice>(
          "POST",
          `/invoices/${open.body.id}/pay`,
          {},
          { "idempotency-key": "pay-1" },
        ),
      ),
    );
    const paid = pays.find((result) => result.status === 200 && !result.headers.get("idempotent-replayed"));
    expect(paid?.body).toMatchObject({
      status: "paid",
      amount_paid: 4200,
      amount_remaining: 0,
      attempt_count: 1,
    });
    const paymentId = paid?.body.payment ?? "";
    expect(paymentId).toMatch(/^pay_/);
    const payments = await query<{ id: string; amount: string; status: string }>(
      "select id, amount, status from payments where customer_id = $1",
      [customer],
    );
    expect(payments).toEqual([{ id: paymentId, amount: "4200", status: "succeeded" }]);
    expect(
      await query("select 1 from ledger_transactions where source like $1", [`payment:${paymentId}:%`]),
    ).not.toHaveLength(0);
    // A second pay, with another key, finds the invoice paid.
    expectError(
      await m.sandbox.request("POST", `/invoices/${open.body.id}/pay`, {}),
      409,
      "invoice_status_invalid",
    );
    expect(await eventTypes(open.body.id)).toEqual(["invoice.created", "invoice.finalized", "invoice.paid"]);
  }, 120_000);

  it("a declined charge counts an attempt and leaves the invoice open; no method is a 400", async () => {
    const m = await createMerchant();
    const declining = await payingCustomer(m, "4000000000000002");
    await newItem(m, { customer: declining, amount: 1500, currency: "EUR" });
    const draft = await m.sandbox.request<Invoice>("POST", "/invoices", { customer: declining });
    await m.sandbox.request("POST", `/invoices/${draft.body.id}/finalize`);
    const declined = await m.sandbox.request("POST", `/invoices/${draft.body.id}/pay`, {});
    expect(declined.status).toBe(402);
    const after = await m.sandbox.request<Invoice>("GET", `/invoices/${draft.body.id}`);
    expect(after.body).toMatchObject({ status: "open", attempt_count: 1, amount_paid: 0 });
    expect(await eventTypes(draft.body.id)).toContain("invoice.payment_failed");

    const methodless = await newOpenInvoice(m);
    expectError(
      await m.sandbox.request("POST", `/invoices/${methodless.id}/pay`, {}),
      400,
      "invoice_payment_method_missing",
    );
    const other = await createMerchant();
    expectError(
      await other.sandbox.request("POST", `/invoices/${methodless.id}/pay`, {}),
      404,
      "resource_missing",
    );
  });
});

describe("invoices: PDF", () => {
  it("serves the invoice as a PDF drawn in the Worker, whatever the text", async () => {
    const m = await createMerchant();
    const customer = await newCustomer(m);
    await newItem(m, { customer, amount: 100, currency: "EUR", description: "Line ☃ 日本" });
    const draft = await m.sandbox.request<Invoice>("POST", "/invoices", {
      customer,
      description: "Ünïcode ✓",
    });
    expect(draft.body.invoice_pdf).toBeNull();
    const open = await m.sandbox.request<Invoice>("POST", `/invoices/${draft.body.id}/finalize`);
    expect(open.body.invoice_pdf).toMatch(new RegExp(`/api/v1/invoices/${draft.body.id}/pdf$`));
    const response = await fetch(`${baseUrl()}/api/v1/invoices/${draft.body.id}/pdf`, {
      headers: m.sandbox.headers,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    const pdf = await PDFDocument.load(new Uint8Array(await response.arrayBuffer()));
    expect(pdf.getTitle()).toBe(`Invoice ${open.body.number}`);
    const other = await createMerchant();
    expectError(
      await other.sandbox.request("GET", `/invoices/${draft.body.id}/pdf`),
      404,
      "resource_missing",
    );
  }, 120_000);
});

describe("invoices: hosted view", () => {
  it("shows a finalized invoice to whoever holds its URL, and nothing without the right token", async () => {
    const m = await createMerchant();
    const draft = await newDraft(m);
    expect(draft.hosted_invoice_url).toBeNull();
    const open = await m.sandbox.request<Invoice>("POST", `/invoices/${draft.id}/finalize`);
    const url = new URL(open.body.hosted_invoice_url ?? "");
    expect(url.pathname).toBe(`/invoice/${draft.id}`);
    const jsonPath = `/api/v1/hosted/invoices/${draft.id}`;
    const view = await call<Record<string, unknown>>("GET", `${jsonPath}${url.search}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      id: draft.id,
      object: "hosted_invoice",
      number: open.body.number,
      status: "open",
      total: 1000,
      amount_remaining: 1000,
      customer_name: "Payer",
      paid_at: null,
      paid_with: null,
    });
    expect(view.body).not.toHaveProperty("customer");
    expectError(await call("GET", `${jsonPath}?token=wrong`), 404, "resource_missing");
    expectError(await call("GET", jsonPath), 400, "parameter_missing");
  });
});
