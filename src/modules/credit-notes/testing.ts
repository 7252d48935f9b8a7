import { query } from "../../../test/db";
import type { TestMerchant } from "../../../test/harness";
import type { Invoice } from "../invoices/testing";

/** A type, not an interface, so a response of it passes as a plain ApiResponse. */
export type CreditNote = {
  id: string;
  object: string;
  number: string;
  invoice: string;
  customer: string;
  status: string;
  type: string;
  lines: Array<{ type: string; invoice_line_item: string | null; quantity: number | null; amount: number }>;
  total: number;
  refund_amount: number;
  out_of_band_amount: number;
  refund: string | null;
  memo: string | null;
  voided_at: string | null;
  created_at: string;
  updated_at: string;
};

export async function eventTypes(id: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at, id",
    [id],
  );
  return rows.map((row) => row.type);
}

export async function creditNoteCount(invoiceId: string): Promise<number> {
  const [row] = await query<{ count: string }>("select count(*) from credit_notes where invoice_id = $1", [
    invoiceId,
  ]);
  return Number(row?.count);
}

async function newCustomer(m: TestMerchant): Promise<string> {
  return (await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Credited" })).body.id;
}

/** An open USD invoice of one line of `amount` (a price-less line: quantity 1). */
export async function openInvoice(m: TestMerchant, amount: number, customer?: string): Promise<Invoice> {
  const payer = customer ?? (await newCustomer(m));
  await m.sandbox.request("POST", "/invoice-items", { customer: payer, amount, currency: "USD" });
  const draft = await m.sandbox.request<Invoice>("POST", "/invoices", { customer: payer });
  const open = await m.sandbox.request<Invoice>("POST", `/invoices/${draft.body.id}/finalize`);
  if (open.status !== 200) throw new Error(`finalize: ${open.text}`);
  return open.body;
}

/** An invoice of `amount` USD paid through pay, by a card saved as the customer's default. */
export async function paidInvoice(m: TestMerchant, amount: number): Promise<Invoice> {
  const customer = await newCustomer(m);
  const method = await m.sandbox.request<{ id: string }>("POST", "/payment-methods", {
    type: "card",
    card: { number: "4242424242424242", exp_month: 11, exp_year: 2041, cvc: "123" },
  });
  await m.sandbox.request("POST", `/payment-methods/${method.body.id}/attach`, {
    customer,
    set_default: true,
  });
  const open = await openInvoice(m, amount, customer);
  const paid = await m.sandbox.request<Invoice>("POST", `/invoices/${open.id}/pay`, {});
  if (paid.body.status !== "paid") throw new Error(`pay: ${paid.text}`);
  return paid.body;
}

/** An invoice of `amount` USD marked paid out of band (no payment). */
export async function markedPaidInvoice(m: TestMerchant, amount: number): Promise<Invoice> {
  const open = await openInvoice(m, amount);
  const paid = await m.sandbox.request<Invoice>("POST", `/invoices/${open.id}/mark_paid`, {
    reference: "WIRE-7",
  });
  if (paid.status !== 200) throw new Error(`mark_paid: ${paid.text}`);
  return paid.body;
}
