import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { type Invoice, newCustomer, newItem, newTaxRate } from "./testing";

interface InvoiceItem {
  id: string;
  invoice: string | null;
  amount: number;
  currency: string;
  quantity: number;
  price: string | null;
}

describe("invoice items", () => {
  it("prices a line from an amount or a one-time price and quantity, pending until invoiced", async () => {
    const m = await createMerchant();
    const customer = await newCustomer(m);
    const product = await m.sandbox.request<{ id: string }>("POST", "/products", { name: "Setup" });
    const price = await m.sandbox.request<{ id: string }>("POST", "/prices", {
      product: product.body.id,
      currency: "EUR",
      unit_amount: 2500,
    });
    const fromPrice = await m.sandbox.request<InvoiceItem>("POST", "/invoice-items", {
      customer,
      price: price.body.id,
      quantity: 3,
    });
    expect(fromPrice.status).toBe(200);
    expect(fromPrice.body).toMatchObject({
      amount: 7500,
      currency: "EUR",
      quantity: 3,
      price: price.body.id,
      invoice: null,
    });
    expect(fromPrice.body.id).toMatch(/^ii_/);
    const pending = await m.sandbox.request<{ data: InvoiceItem[] }>(
      "GET",
      `/invoice-items?customer=${customer}&pending=true`,
    );
    expect(pending.body.data.map((item) => item.id)).toEqual([fromPrice.body.id]);
    const events = await query("select 1 from events where object_id = $1 and type = 'invoiceitem.created'", [
      fromPrice.body.id,
    ]);
    expect(events).toHaveLength(1);
  });

  it("refuses bad lines and writes nothing", async () => {
    const m = await createMerchant();
    const customer = await newCustomer(m);
    const product = await m.sandbox.request<{ id: string }>("POST", "/products", { name: "Plan" });
    const recurring = await m.sandbox.request<{ id: string }>("POST", "/prices", {
      product: product.body.id,
      currency: "USD",
      unit_amount: 900,
      recurring: { interval: "month" },
    });
    const inclusive = await newTaxRate(m, 20, true);
    const exclusive = await newTaxRate(m, 5);
    const archived = await newTaxRate(m, 7);
    await m.sandbox.request("PATCH", `/tax-rates/${archived}`, { active: false });
    const post = (body: Record<string, unknown>) =>
      m.sandbox.request("POST", "/invoice-items", { customer, ...body });
    expectError(await post({ amount: 100 }), 400, "parameter_missing");
    expectError(await post({ currency: "USD" }), 400, "parameter_missing");
    expectError(await post({ amount: -5, currency: "USD" }), 400, "amount_invalid");
    expectError(await post({ amount: 100, currency: "usd" }), 400, "currency_invalid");
    expectError(await post({ price: recurring.body.id }), 400, "parameter_invalid");
    expectError(await post({ amount: 100, currency: "USD", quantity: 2 }), 400, "parameter_invalid");
    expectError(
      await post({ amount: 100, currency: "USD", tax_rates: [inclusive, exclusive] }),
      400,
      "parameter_invalid",
    );
    expectError(
      await post({ amount: 100, currency: "USD", tax_rates: [archived] }),
      400,
      "tax_rate_inactive",
    );
    expectError(
      await post({ amount: 100, currency: "USD", tax_rates: ["txr_missing"] }),
      404,
      "resource_missing",
    );
    expectError(await post({ amount: 100, currency: "USD", surprise: 1 }), 400, "parameter_unknown");
    const other = await createMerchant();
    expectError(
      await other.sandbox.request("POST", "/invoice-items", { customer, amount: 100, currency: "USD" }),
      404,
      "resource_missing",
    );
    expect(await query("select 1 from invoice_items where customer_id = $1", [customer])).toHaveLength(0);
  });
});

describe("invoices: create", () => {
  it("pulls in the pending items, taxes per rate once over the invoice, applies the coupon", async () => {
    const m = await createMerchant();
    const customer = await newCustomer(m);
    const salesTax = await newTaxRate(m, 8.25);
    const coupon = await m.sandbox.request<{ id: string }>("POST", "/coupons", {
      percent_off: 10,
      max_redemptions: 5,
    });
    // Three lines of 333 at 8.25 %, 10 % off: each line's tax is 27.47…, rounded once: 82.
    const items = [
      await newItem(m, { customer, amount: 333, currency: "USD", tax_rates: [salesTax] }),
      await newItem(m, { customer, amount: 333, currency: "USD", tax_rates: [salesTax] }),
      await newItem(m, { customer, amount: 333, currency: "USD", tax_rates: [salesTax] }),
      await newItem(m, { customer, amount: 1000, currency: "USD", discountable: false }),
    ];
    const created = await m.sandbox.request<Invoice>(
      "POST",
      "/invoices",
      { customer, coupon: coupon.body.id },
      { "idempotency-key": "inv-1" },
    );
    expect(created.status).toBe(200);
    const invoice = created.body;
    expect(invoice.id).toMatch(/^in_/);
    expect(invoice).toMatchObject({
      object: "invoice",
      status: "draft",
      number: null,
      currency: "USD",
      collection_method: "charge_automatically",
      subtotal: 1999,
      // 10 % of the discountable 999 = 99.9 → 100.
      discount_amount: 100,
      tax: 74,
      total: 1999 - 100 + 74,
      amount_due: 1973,
      amount_remaining: 1973,
      coupon: coupon.body.id,
    });
    // (999 − 100) × 8.25 % = 74.1675, rounded once.
    expect(invoice.taxes).toEqual([
      expect.objectContaining({ tax_rate: salesTax, amount: 74, amount_precise: "74.167500000000" }),
    ]);
    expect(invoice.lines.map((line) => line.invoice_item)).toEqual(items);
    expect(invoice.lines[0]?.discount_amount_precise).toBe("33.333333333333");

    const replay = await m.sandbox.request<Invoice>(
      "POST",
      "/invoices",
      { customer, coupon: coupon.body.id },
      { "idempotency-key": "inv-1" },
    );
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(invoice.id);
    expect(await query("select 1 from invoices where customer_id = $1", [customer])).toHaveLength(1);
    const [counted] = await query<{ times_redeemed: number }>(
      "select times_redeemed from coupons where id = $1",
      [coupon.body.id],
    );
    expect(counted?.times_redeemed).toBe(1);
    const onInvoice = await query<{ invoice_id: string }>(
      "select invoice_id from invoice_items where id = any($1)",
      [items],
    );
    expect(onInvoice.every((row) => row.invoice_id === invoice.id)).toBe(true);
    expectError(
      await m.sandbox.request("POST", "/invoices", { customer }),
      400,
      "invoice_nothing_to_invoice",
    );
    const events = await query("select 1 from events where object_id = $1 and type = 'invoice.created'", [
      invoice.id,
    ]);
    expect(events).toHaveLength(1);
  });

  it("inclusive tax is carved out of the lines, not added", async () => {
    const m = await createMerchant();
    const customer = await newCustomer(m);
    const vat = await newTaxRate(m, 19, true);
    await newItem(m, { customer, amount: 1190, currency: "EUR", tax_rates: [vat] });
    const invoice = await m.sandbox.request<Invoice>("POST", "/invoices", { customer });
    expect(invoice.body).toMatchObject({ subtotal: 1190, tax: 190, total: 1190, total_excluding_tax: 1000 });
  });

  it("refuses an invoice whose total would pass the largest amount, and writes nothing", async () => {
    const m = await createMerchant();
    const max = Number.MAX_SAFE_INTEGER;
    const twoItems = await newCustomer(m);
    await newItem(m, { customer: twoItems, amount: max, currency: "USD" });
    await newItem(m, { customer: twoItems, amount: max, currency: "USD" });
    expectError(await m.sandbox.request("POST", "/invoices", { customer: twoItems }), 400, "amount_invalid");
    const taxed = await newCustomer(m);
    const tax = await newTaxRate(m, 50);
    await newItem(m, { customer: taxed, amount: max - 1, currency: "USD", tax_rates: [tax] });
    expectError(await m.sandbox.request("POST", "/invoices", { customer: taxed }), 400, "amount_invalid");
    expect(
      await query("select 1 from invoices where customer_id = any($1)", [[twoItems, taxed]]),
    ).toHaveLength(0);

    const onDraft = await newCustomer(m);
    await newItem(m, { customer: onDraft, amount: max, currency: "USD" });
    const draft = await m.sandbox.request<Invoice>("POST", "/invoices", { customer: onDraft });
    expect(draft.status).toBe(200);
    expectError(
      await m.sandbox.request("POST", "/invoice-items", {
        customer: onDraft,
        invoice: draft.body.id,
        amount: 1,
        currency: "USD",
      }),
      400,
      "amount_invalid",
    );
    const [stored] = await query<{ total: string }>("select total from invoices where id = $1", [
      draft.body.id,
    ]);
    expect(Number(stored?.total)).toBe(max);
  });

  it("two concurrent invoices of the same items: one gets them, the other writes nothing", async () => {
    const m = await createMerchant();
    const customer = await newCustomer(m);
    await newItem(m, { customer, amount: 500, currency: "USD" });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => m.sandbox.request<Invoice>("POST", "/invoices", { customer })),
    );
    const created = results.filter((result) => result.status === 200);
    expect(created).toHaveLength(1);
    for (const refused of results.filter((result) => result.status !== 200)) {
      expect([409, 400]).toContain(refused.status);
    }
    expect(await query("select 1 from invoices where customer_id = $1", [customer])).toHaveLength(1);
  });

  it("refuses bad input and writes nothing; other tenants get 404", async () => {
    const m = await createMerchant();
    const customer = await newCustomer(m);
    await newItem(m, { customer, amount: 500, currency: "USD" });
    await newItem(m, { customer, amount: 700, currency: "EUR" });
    const post = (body: Record<string, unknown>) =>
      m.sandbox.request("POST", "/invoices", { customer, ...body });
    expectError(await post({}), 400, "parameter_missing");
    expectError(await post({ currency: "GBP" }), 400, "invoice_nothing_to_invoice");
    expectError(await post({ currency: "USD", days_until_due: 10 }), 400, "parameter_invalid");
    expectError(await post({ currency: "USD", collection_method: "cash" }), 400, "parameter_invalid");
    expectError(await post({ currency: "USD", coupon: "co_missing" }), 404, "resource_missing");
    const restricted = await m.sandbox.request<{ id: string }>("POST", "/coupons", {
      amount_off: 100,
      currency: "JPY",
    });
    expectError(await post({ currency: "USD", coupon: restricted.body.id }), 400, "coupon_not_applicable");
    expect(await query("select 1 from invoices where customer_id = $1", [customer])).toHaveLength(0);
    expect(
      await query("select 1 from invoice_items where customer_id = $1 and invoice_id is not null", [
        customer,
      ]),
    ).toHaveLength(0);

    const invoice = await post({ currency: "USD", collection_method: "send_invoice", days_until_due: 14 });
    expect(invoice.body).toMatchObject({ days_until_due: 14, collection_method: "send_invoice" });
    const id = (invoice.body as { id: string }).id;
    const other = await createMerchant();
    expectError(await other.sandbox.request("GET", `/invoices/${id}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/invoices/${id}`), 404, "resource_missing");
    expectError(await other.sandbox.request("POST", "/invoices", { customer }), 404, "resource_missing");
    const listed = await m.sandbox.request<{ data: Invoice[] }>(
      "GET",
      `/invoices?customer=${customer}&status=draft`,
    );
    expect(listed.body.data.map((row) => row.id)).toEqual([id]);
  });
});
