import type { TestMerchant } from "../../../test/harness";

export interface InvoiceLine {
  invoice_item: string;
  description: string | null;
  amount: number;
  quantity: number;
  discount_amount_precise: string;
  tax_amounts: Array<{ tax_rate: string; amount_precise: string }>;
}

export interface Invoice {
  id: string;
  object: string;
  customer: string;
  status: string;
  number: string | null;
  currency: string;
  collection_method: string;
  days_until_due: number | null;
  due_date: string | null;
  coupon: string | null;
  lines: InvoiceLine[];
  taxes: Array<{ tax_rate: string; inclusive: boolean; amount: number; amount_precise: string }>;
  subtotal: number;
  discount_amount: number;
  total_excluding_tax: number;
  tax: number;
  total: number;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  paid_out_of_band: boolean;
  payment_reference: string | null;
  payment: string | null;
  attempt_count: number;
  invoice_pdf: string | null;
  hosted_invoice_url: string | null;
  automatically_finalizes_at: string | null;
  status_transitions: Record<string, string | null>;
  created_at: string;
}

export async function newCustomer(m: TestMerchant): Promise<string> {
  return (await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Payer" })).body.id;
}

export async function newTaxRate(m: TestMerchant, percentage: number, inclusive = false): Promise<string> {
  const rate = await m.sandbox.request<{ id: string }>("POST", "/tax-rates", {
    display_name: inclusive ? "VAT" : "Sales tax",
    percentage,
    inclusive,
  });
  return rate.body.id;
}

export async function newItem(m: TestMerchant, body: Record<string, unknown>): Promise<string> {
  const item = await m.sandbox.request<{ id: string }>("POST", "/invoice-items", body);
  if (item.status !== 200) throw new Error(`invoice item: ${item.text}`);
  return item.body.id;
}

/** A draft invoice of one 1000 USD line for a new customer. */
export async function newDraft(m: TestMerchant, extra: Record<string, unknown> = {}): Promise<Invoice> {
  const customer = await newCustomer(m);
  await newItem(m, { customer, amount: 1000, currency: "USD" });
  const draft = await m.sandbox.request<Invoice>("POST", "/invoices", { customer, ...extra });
  if (draft.status !== 200) throw new Error(`invoice: ${draft.text}`);
  return draft.body;
}

/** An open invoice (a finalized draft). */
export async function newOpenInvoice(m: TestMerchant, extra: Record<string, unknown> = {}): Promise<Invoice> {
  const draft = await newDraft(m, extra);
  const open = await m.sandbox.request<Invoice>("POST", `/invoices/${draft.id}/finalize`);
  if (open.status !== 200) throw new Error(`finalize: ${open.text}`);
  return open.body;
}

/**
 * An open send_invoice invoice due in 30 days, as a customer would get it: "Consulting" 1,000 USD
 * taxed at 8.25 %, "Hosting" 500 USD, 10 % off. Discount 150, tax (900 × 8.25 %) 74, total 1,424.
 */
export async function newDetailedInvoice(m: TestMerchant): Promise<Invoice> {
  const customer = (
    await m.sandbox.request<{ id: string }>("POST", "/customers", {
      name: "Ada Lovelace",
      email: "ada@example.com",
    })
  ).body.id;
  const tax = await newTaxRate(m, 8.25);
  const coupon = await m.sandbox.request<{ id: string }>("POST", "/coupons", { percent_off: 10 });
  await newItem(m, { customer, amount: 1000, currency: "USD", description: "Consulting", tax_rates: [tax] });
  await newItem(m, { customer, amount: 500, currency: "USD", description: "Hosting" });
  const draft = await m.sandbox.request<Invoice>("POST", "/invoices", {
    customer,
    coupon: coupon.body.id,
    collection_method: "send_invoice",
    days_until_due: 30,
  });
  if (draft.status !== 200) throw new Error(`invoice: ${draft.text}`);
  const open = await m.sandbox.request<Invoice>("POST", `/invoices/${draft.body.id}/finalize`);
  if (open.status !== 200) throw new Error(`finalize: ${open.text}`);
  return open.body;
}
