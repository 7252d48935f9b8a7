import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, type TestMerchant } from "../../../test/harness";
import { failPaymentUpdates } from "../../../test/payment-faults";
import { decideSandboxAction } from "../../../test/sandbox-actions";
import { runFunctionFor } from "../../../test/verifications";
import { type Invoice, newDetailedInvoice, newDraft, newOpenInvoice } from "../invoices/testing";

const GOOD_CARD = "4242424242424242";
const DECLINED_CARD = "4000000000000002";
const THREE_D_SECURE_CARD = "4000000000003220";

const cardForm = (number: string) => ({
  method: "card",
  card_number: number,
  card_expiry: "12/40",
  card_cvc: "123",
  card_name: "Ada Lovelace",
});

/** The page's path and query from an invoice's hosted_invoice_url. */
function pageOf(invoice: Invoice): string {
  const url = new URL(invoice.hosted_invoice_url ?? "");
  return `${url.pathname}${url.search}`;
}

function withSuffix(invoice: Invoice, suffix: string): string {
  const url = new URL(invoice.hosted_invoice_url ?? "");
  return `${url.pathname}${suffix}${url.search}`;
}

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl()}${path}`, { headers, redirect: "manual" });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The page's form, posted as a browser would; redirects are not followed. */
async function submit(invoice: Invoice, number: string) {
  const response = await fetch(`${baseUrl()}${pageOf(invoice)}`, {
    method: "POST",
    body: new URLSearchParams(cardForm(number)),
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

async function invoiceOf(m: TestMerchant, id: string): Promise<Invoice> {
  return (await m.sandbox.request<Invoice>("GET", `/invoices/${id}`)).body;
}

async function paymentsOf(invoiceId: string) {
  return query<{ status: string; amount: string }>(
    "select status, amount from payments where metadata->>'invoice' = $1 order by created_at, id",
    [invoiceId],
  );
}

async function eventCount(invoiceId: string, type: string): Promise<number> {
  return (await query("select 1 from events where object_id = $1 and type = $2", [invoiceId, type])).length;
}

describe("hosted invoice page", { timeout: 90_000 }, () => {
  it("shows the invoice at its hosted_invoice_url: lines, discount, tax, totals, due date, status, in the browser's language", async () => {
    const m = await createMerchant();
    const invoice = await newDetailedInvoice(m);
    expect(invoice).toMatchObject({ subtotal: 1500, discount_amount: 150, tax: 74, total: 1424 });
    expect(new URL(invoice.hosted_invoice_url ?? "").pathname).toBe(`/invoice/${invoice.id}`);
    const page = await get(pageOf(invoice));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("form-action 'self';");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    for (const text of [
      `<title>Invoice ${invoice.number}</title>`,
      "Status: Open",
      "Billed to Ada Lovelace",
      "Due ",
      "Consulting × 1",
      "$10.00",
      "Hosting × 1",
      "Subtotal",
      "$15.00",
      "Discount",
      "−$1.50",
      "Tax (8.25%)",
      "$0.74",
      "$14.24",
      "Amount due",
      "Pay $14.24",
      'name="card_number"',
      `action="/invoice/${invoice.id}?token=`,
      `href="/invoice/${invoice.id}/pdf?token=`,
      "Test mode",
    ]) {
      expect(page.text).toContain(text);
    }
    const french = await get(pageOf(invoice), { "accept-language": "fr-CH, fr;q=0.9, en;q=0.5" });
    expect(french.text).toContain('<html lang="fr">');
    expect(french.text).toContain(`Facture ${invoice.number}`);
    expect(french.text).toContain("Taxe (8,25 %)");
    expect(french.text).toContain("14,24");
    expect((await get(`${pageOf(invoice)}&locale=ja`)).text).toContain(`請求書 ${invoice.number}`);
  });

  it("is a 404 page for a wrong token, a draft, an unknown id, and another merchant's invoice with that merchant's own token", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const invoice = await newOpenInvoice(m);
    const theirs = await newOpenInvoice(other);
    const theirToken = new URL(theirs.hosted_invoice_url ?? "").searchParams.get("token") ?? "";
    const draft = await newDraft(m);
    const [draftToken] = await query<{ hosted_token: string }>(
      "select hosted_token from invoices where id = $1",
      [draft.id],
    );
    for (const path of [
      `/invoice/${invoice.id}?token=wrong`,
      `/invoice/${invoice.id}`,
      `/invoice/${invoice.id}?token=${theirToken}`,
      `/invoice/${draft.id}?token=${draftToken?.hosted_token}`,
      `/invoice/in_unknown?token=${theirToken}`,
      `/invoice/${invoice.id}/pdf?token=${theirToken}`,
      `/invoice/${draft.id}/pdf?token=${draftToken?.hosted_token}`,
    ]) {
      const page = await get(path);
      expect(page.status, path).toBe(404);
      expect(page.text).toContain("This invoice does not exist.");
    }
    const posted = await fetch(`${baseUrl()}/invoice/${invoice.id}?token=${theirToken}`, {
      method: "POST",
      body: new URLSearchParams(cardForm(GOOD_CARD)),
      redirect: "manual",
    });
    expect(posted.status).toBe(404);
    expect(await paymentsOf(invoice.id)).toEqual([]);
  });

  it("pays with a card: then the receipt (amount, date, last4) and the PDF by the token; the card number is never echoed", async () => {
    const m = await createMerchant();
    const invoice = await newDetailedInvoice(m);
    const paid = await submit(invoice, GOOD_CARD);
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(pageOf(invoice));
    expect(await invoiceOf(m, invoice.id)).toMatchObject({ status: "paid", amount_paid: 1424 });
    expect(await paymentsOf(invoice.id)).toEqual([{ status: "succeeded", amount: "1424" }]);
    const receipt = await get(pageOf(invoice));
    expect(receipt.status).toBe(200);
    expect(receipt.text).toContain("Receipt");
    expect(receipt.text).toContain("Payment received. Thank you!");
    expect(receipt.text).toContain("Paid with Visa ending in 4242");
    expect(receipt.text).toContain("Paid on ");
    expect(receipt.text).not.toContain('name="card_number"');
    expect(receipt.text).not.toContain(GOOD_CARD);

    const pdf = await fetch(`${baseUrl()}${withSuffix(invoice, "/pdf")}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toContain("attachment");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    // Paid: another submit charges nothing and shows the receipt.
    const again = await submit(invoice, GOOD_CARD);
    expect(again.status).toBe(303);
    expect(await paymentsOf(invoice.id)).toHaveLength(1);
    const json = await get(
      `/api/v1/hosted/invoices/${invoice.id}${new URL(invoice.hosted_invoice_url ?? "").search}`,
    );
    expect(JSON.parse(json.text)).toMatchObject({
      status: "paid",
      paid_with: { type: "card", brand: "visa", last4: "4242" },
    });
  });

  it("a double submit (parallel posts, two tabs) charges once", async () => {
    const m = await createMerchant();
    const invoice = await newOpenInvoice(m);
    const answers = await Promise.all(Array.from({ length: 6 }, () => submit(invoice, GOOD_CARD)));
    for (const answer of answers) expect(answer.status).toBe(303);
    expect(await paymentsOf(invoice.id)).toEqual([{ status: "succeeded", amount: "1000" }]);
    expect(await invoiceOf(m, invoice.id)).toMatchObject({ status: "paid", amount_paid: 1000 });
    expect(await eventCount(invoice.id, "invoice.paid")).toBe(1);
  });

  it("a decline is shown with the form kept, and another card then pays", async () => {
    const m = await createMerchant();
    const invoice = await newOpenInvoice(m);
    const declined = await submit(invoice, DECLINED_CARD);
    expect(declined.status).toBe(422);
    expect(declined.text).toContain('role="alert"');
    expect(declined.text).toContain("Your card was declined.");
    expect(declined.text).toContain('name="card_number"');
    expect(declined.text).not.toContain(DECLINED_CARD);
    expect(await invoiceOf(m, invoice.id)).toMatchObject({ status: "open", attempt_count: 1 });

    const unreadable = await submit(invoice, "1234");
    expect(unreadable.status).toBe(422);
    expect(unreadable.text).toContain("Check the payment details and try again.");

    expect((await submit(invoice, GOOD_CARD)).status).toBe(303);
    expect(await invoiceOf(m, invoice.id)).toMatchObject({ status: "paid", attempt_count: 2 });
    expect(await paymentsOf(invoice.id)).toEqual([
      { status: "failed", amount: "1000" },
      { status: "succeeded", amount: "1000" },
    ]);
  });

  it("a NUL in a form field is the page's 'check the details' message, not a JSON error; the invoice stays payable", async () => {
    const m = await createMerchant();
    const invoice = await newOpenInvoice(m);
    const posted = await fetch(`${baseUrl()}${pageOf(invoice)}`, {
      method: "POST",
      body: new URLSearchParams({ ...cardForm(GOOD_CARD), card_name: "Ada\u0000Lovelace" }),
      redirect: "manual",
    });
    expect(posted.status).toBe(422);
    expect(posted.headers.get("content-type")).toContain("text/html");
    expect(await posted.text()).toContain('role="alert"');
    expect(await paymentsOf(invoice.id)).toEqual([]);
    expect((await submit(invoice, GOOD_CARD)).status).toBe(303);
    expect((await invoiceOf(m, invoice.id)).status).toBe("paid");
  });

  it("3-D Secure: to the challenge and back to the receipt; a failed challenge shows the decline and the card can be changed", async () => {
    const m = await createMerchant();
    const invoice = await newOpenInvoice(m);
    const challenged = await submit(invoice, THREE_D_SECURE_CARD);
    expect(challenged.status).toBe(303);
    const action = challenged.location ?? "";
    expect(action).toContain("/sandbox/actions/");
    // Meanwhile the page shows the charge under way, with the way back to the challenge.
    const waiting = await get(pageOf(invoice));
    expect(waiting.text).toContain("Your payment is being processed.");
    expect(waiting.text).toContain("Continue to authentication");
    expect(waiting.text).not.toContain('name="card_number"');

    const approved = await decideSandboxAction(action, "approve");
    expect(approved.status).toBe(303);
    const back = new URL(approved.headers.get("location") ?? "");
    expect(back.pathname).toBe(`/invoice/${invoice.id}/return`);
    const receipt = await get(`${back.pathname}${back.search}`);
    expect(receipt.text).toContain("Payment received. Thank you!");
    expect(await invoiceOf(m, invoice.id)).toMatchObject({ status: "paid", amount_paid: 1000 });
    expect(await paymentsOf(invoice.id)).toEqual([{ status: "succeeded", amount: "1000" }]);

    const second = await newOpenInvoice(m);
    const failing = await submit(second, THREE_D_SECURE_CARD);
    const refused = await decideSandboxAction(failing.location ?? "", "decline");
    const returned = new URL(refused.headers.get("location") ?? "");
    const page = await get(`${returned.pathname}${returned.search}`);
    expect(page.text).toContain('role="alert"');
    expect(page.text).toContain('name="card_number"');
    expect((await submit(second, GOOD_CARD)).status).toBe(303);
    expect(await invoiceOf(m, second.id)).toMatchObject({ status: "paid" });
    expect((await paymentsOf(second.id)).map((payment) => payment.status)).toEqual(["failed", "succeeded"]);
  });

  it("a payment left processing: the page says so and takes no second card, then shows the receipt once it succeeds", async () => {
    const m = await createMerchant();
    const invoice = await newOpenInvoice(m);
    // A crash between the processor's answer and our commit leaves the payment processing (outcome unknown).
    const restore = await failPaymentUpdates({ merchantId: m.merchantId, status: "succeeded" });
    try {
      expect((await submit(invoice, GOOD_CARD)).status).toBe(303);
    } finally {
      await restore();
    }
    expect(await paymentsOf(invoice.id)).toEqual([{ status: "processing", amount: "1000" }]);
    const waiting = await get(pageOf(invoice));
    expect(waiting.text).toContain("Your payment is being processed.");
    expect(waiting.text).toContain("Check again");
    expect(waiting.text).not.toContain('name="card_number"');
    expect((await submit(invoice, GOOD_CARD)).status).toBe(303);
    expect(await paymentsOf(invoice.id)).toHaveLength(1);

    await query(
      `update payments set provider_attempt = jsonb_set(provider_attempt, '{started_at}', to_jsonb((now() - interval '10 minutes')::text))
       where merchant_id = $1 and provider_attempt is not null`,
      [m.merchantId],
    );
    expect((await runFunctionFor("payment-reconcile", { merchant: m.merchantId }, 0)).status).toBe(
      "succeeded",
    );
    expect((await get(pageOf(invoice))).text).toContain("Payment received. Thank you!");
    expect(await invoiceOf(m, invoice.id)).toMatchObject({ status: "paid", amount_paid: 1000 });
    expect(await paymentsOf(invoice.id)).toEqual([{ status: "succeeded", amount: "1000" }]);
  });

  it("void shows a message and charges nothing; uncollectible is payable", async () => {
    const m = await createMerchant();
    const voided = await newOpenInvoice(m);
    await m.sandbox.request("POST", `/invoices/${voided.id}/void`);
    const page = await get(pageOf(voided));
    expect(page.status).toBe(200);
    expect(page.text).toContain("This invoice was cancelled. Nothing is owed.");
    expect(page.text).not.toContain('name="card_number"');
    expect((await submit(voided, GOOD_CARD)).status).toBe(303);
    expect(await paymentsOf(voided.id)).toEqual([]);

    const uncollectible = await newOpenInvoice(m);
    await m.sandbox.request("POST", `/invoices/${uncollectible.id}/mark_uncollectible`);
    expect((await get(pageOf(uncollectible))).text).toContain("Status: Past due");
    expect((await submit(uncollectible, GOOD_CARD)).status).toBe(303);
    expect(await invoiceOf(m, uncollectible.id)).toMatchObject({ status: "paid" });
  });
});
