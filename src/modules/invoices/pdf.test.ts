import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { renderInvoicePdf } from "./pdf";
import type { Invoice } from "./schemas";

const line = (index: number) => ({
  invoice_item: `ii_${index}`,
  description: `Line ${index} ☃ 日本`,
  amount: 100 + index,
  quantity: 1,
  unit_amount: null,
  price: null,
  discountable: true,
  discount_amount_precise: "0.000000000000",
  tax_amounts: [],
});

const invoice = (lines: number): Invoice => ({
  id: "in_1",
  object: "invoice",
  environment: "sandbox",
  customer: "cus_1",
  status: "open",
  number: "INV-0042",
  currency: "EUR",
  collection_method: "send_invoice",
  days_until_due: 30,
  due_date: "2026-12-31T00:00:00.000Z",
  description: "Ünïcode ✓",
  coupon: null,
  lines: Array.from({ length: lines }, (_, index) => line(index)),
  taxes: [
    {
      tax_rate: "txr_1",
      inclusive: false,
      percentage: 19,
      amount: 19,
      amount_precise: "19.000000000000",
      taxable_amount_precise: "100.000000000000",
    },
  ],
  subtotal: 100,
  discount_amount: 0,
  total_excluding_tax: 100,
  tax: 19,
  total: 119,
  amount_due: 119,
  amount_paid: 0,
  amount_remaining: 119,
  pre_payment_credit_notes_amount: 0,
  post_payment_credit_notes_amount: 0,
  paid_out_of_band: false,
  payment_reference: null,
  payment: null,
  attempt_count: 0,
  hosted_invoice_url: null,
  invoice_pdf: null,
  automatically_finalizes_at: null,
  status_transitions: {
    finalized_at: "2026-12-01T00:00:00.000Z",
    paid_at: null,
    voided_at: null,
    marked_uncollectible_at: null,
  },
  metadata: {},
  created_at: "2026-12-01T00:00:00.000Z",
  updated_at: "2026-12-01T00:00:00.000Z",
});

describe("renderInvoicePdf", () => {
  it("draws any text (outside WinAnsi as ?), on as many pages as the lines need, the same bytes each time", async () => {
    const customer = { name: "Zoë 🚀", email: "z@example.com" };
    const bytes = await renderInvoicePdf(invoice(120), customer, new Map([["txr_1", "VAT"]]));
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getTitle()).toBe("Invoice INV-0042");
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(3);
    const again = await renderInvoicePdf(invoice(120), customer, new Map([["txr_1", "VAT"]]));
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    const short = await PDFDocument.load(await renderInvoicePdf(invoice(1), customer, new Map()));
    expect(short.getPageCount()).toBe(1);
  });
});
