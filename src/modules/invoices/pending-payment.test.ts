import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { decideSandboxAction } from "../../../test/sandbox-actions";
import { getSubscription, monthlyPrice, setCard, subscribe } from "../subscriptions/testing";
import { type Invoice, newCustomer, newItem } from "./testing";

const THREE_D_SECURE_CARD = "4000000000003220";
const GOOD_CARD = "4242424242424242";

async function eventTypes(id: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at, id",
    [id],
  );
  return rows.map((row) => row.type);
}

async function customerPayments(customer: string) {
  return query<{ id: string; status: string; amount: string }>(
    "select id, status, amount from payments where customer_id = $1 order by created_at, id",
    [customer],
  );
}

/** An open invoice of 2,500 EUR whose customer's default card asks for 3-D Secure. */
async function openInvoiceFor3ds(m: TestMerchant): Promise<{ customer: string; invoice: string }> {
  const customer = await newCustomer(m);
  await setCard(m, customer, THREE_D_SECURE_CARD);
  await newItem(m, { customer, amount: 2500, currency: "EUR" });
  const draft = await m.sandbox.request<Invoice>("POST", "/invoices", { customer });
  await m.sandbox.request("POST", `/invoices/${draft.body.id}/finalize`);
  return { customer, invoice: draft.body.id };
}

/** The customer completes the payment's 3-D Secure challenge on the sandbox page. */
async function approve(m: TestMerchant, paymentId: string): Promise<void> {
  const payment = await m.sandbox.request<{ next_action: { url: string } | null }>(
    "GET",
    `/payments/${paymentId}`,
  );
  const approved = await decideSandboxAction(payment.body.next_action?.url ?? "", "approve");
  expect(approved.status).toBe(200);
}

/** One run of the invoice-payments function, in a schedule slot of its own (runs are deduplicated per slot). */
function runInvoicePayments() {
  const slot = Date.UTC(2006, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000;
  return call<{ status: string }>("POST", `/internal/dev/functions/invoice-payments?time=${slot}`, {
    body: {},
  });
}

describe("invoices: a charge left pending (3-D Secure)", () => {
  it("pays the invoice once when the customer completes the challenge later", async () => {
    const m = await createMerchant();
    const { customer, invoice } = await openInvoiceFor3ds(m);
    const pending = await m.sandbox.request<Invoice>("POST", `/invoices/${invoice}/pay`, {});
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ status: "open", amount_paid: 0 });
    const paymentId = pending.body.payment ?? "";
    expect(paymentId).toMatch(/^pay_/);
    expectError(
      await m.sandbox.request("POST", `/invoices/${invoice}/pay`, {}),
      409,
      "invoice_payment_in_progress",
    );

    await approve(m, paymentId);
    const runs = await Promise.all([runInvoicePayments(), runInvoicePayments()]);
    expect(runs.map((run) => run.status)).toEqual([200, 200]);
    const paid = await m.sandbox.request<Invoice>("GET", `/invoices/${invoice}`);
    expect(paid.body).toMatchObject({
      status: "paid",
      amount_paid: 2500,
      payment: paymentId,
      attempt_count: 1,
    });
    expect(await eventTypes(invoice)).toEqual(["invoice.created", "invoice.finalized", "invoice.paid"]);
    expect(await customerPayments(customer)).toEqual([
      { id: paymentId, status: "succeeded", amount: "2500" },
    ]);
    expectError(
      await m.sandbox.request("POST", `/invoices/${invoice}/pay`, {}),
      409,
      "invoice_status_invalid",
    );
  }, 120_000);

  it("a pay after the claim went stale cancels the abandoned challenge before charging again, never beside it", async () => {
    const m = await createMerchant();
    const { customer, invoice } = await openInvoiceFor3ds(m);
    const pending = await m.sandbox.request<Invoice>("POST", `/invoices/${invoice}/pay`, {});
    const abandoned = pending.body.payment ?? "";
    // The attempt started an hour ago: its claim is stale (15 minutes).
    await query(
      `update invoices set payment_attempt = jsonb_set(payment_attempt, '{startedAt}', to_jsonb((now() - interval '1 hour')::text))
        where id = $1`,
      [invoice],
    );
    await setCard(m, customer, GOOD_CARD);
    const paid = await m.sandbox.request<Invoice>("POST", `/invoices/${invoice}/pay`, {});
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: "paid", amount_paid: 2500, attempt_count: 2 });
    const payments = await customerPayments(customer);
    expect(payments.map((payment) => [payment.id === abandoned, payment.status])).toEqual([
      [true, "canceled"],
      [false, "succeeded"],
    ]);
    expect(await eventTypes(invoice)).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "invoice.paid",
    ]);
  }, 120_000);

  it("a pay that takes over a claim whose request died after charging pays with that charge, never a second one", async () => {
    const m = await createMerchant();
    const customer = await newCustomer(m);
    await setCard(m, customer, GOOD_CARD);
    await newItem(m, { customer, amount: 1800, currency: "EUR" });
    const draft = await m.sandbox.request<Invoice>("POST", "/invoices", { customer });
    const invoice = draft.body.id;
    await m.sandbox.request("POST", `/invoices/${invoice}/finalize`);
    // What a pay leaves when its Worker dies after the charge and before recording it: a stale
    // claim without a payment, and a succeeded payment tagged with the invoice.
    const card = await m.sandbox.request<{ default_payment_method: string }>("GET", `/customers/${customer}`);
    const charged = await m.sandbox.request<{ id: string; status: string }>("POST", "/payments", {
      amount: 1800,
      currency: "EUR",
      customer,
      payment_method: card.body.default_payment_method,
      confirm: true,
      metadata: { invoice },
    });
    expect(charged.body.status).toBe("succeeded");
    await query(
      `update invoices set payment_attempt = jsonb_build_object('key', 'died', 'startedAt', (now() - interval '1 hour')::text)
        where id = $1`,
      [invoice],
    );
    const paid = await m.sandbox.request<Invoice>("POST", `/invoices/${invoice}/pay`, {});
    expect(paid.body).toMatchObject({ status: "paid", payment: charged.body.id, amount_paid: 1800 });
    expect((await customerPayments(customer)).map((payment) => payment.id)).toEqual([charged.body.id]);
  }, 120_000);

  it("a pay that finds the pending charge succeeded pays the invoice with it, charging nothing more", async () => {
    const m = await createMerchant();
    const { customer, invoice } = await openInvoiceFor3ds(m);
    const pending = await m.sandbox.request<Invoice>("POST", `/invoices/${invoice}/pay`, {});
    await approve(m, pending.body.payment ?? "");
    const paid = await m.sandbox.request("POST", `/invoices/${invoice}/pay`, {});
    // The every-minute invoice-payments cron of the test stack may have paid it just before: then
    // the pay is refused as for any paid invoice. Either way it is paid with that one charge.
    if (paid.status === 200)
      expect(paid.body).toMatchObject({ status: "paid", payment: pending.body.payment });
    else expectError(paid, 409, "invoice_status_invalid");
    const after = await m.sandbox.request<Invoice>("GET", `/invoices/${invoice}`);
    expect(after.body).toMatchObject({ status: "paid", payment: pending.body.payment, amount_paid: 2500 });
    expect(await customerPayments(customer)).toHaveLength(1);
  }, 120_000);

  it("an incomplete subscription is active as soon as its first invoice's challenge is completed", async () => {
    const m = await createMerchant();
    const customer = await newCustomer(m);
    await setCard(m, customer, THREE_D_SECURE_CARD);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 1200, "Pro") }] });
    expect(sub.status).toBe("incomplete");
    const invoice = await m.sandbox.request<Invoice>("GET", `/invoices/${sub.latest_invoice}`);
    expect(invoice.body.status).toBe("open");
    await approve(m, invoice.body.payment ?? "");
    expect((await runInvoicePayments()).status).toBe(200);
    expect((await getSubscription(m, sub.id)).status).toBe("active");
    // Created, its first charge's update (the same created_at, so compared unordered), activated.
    expect((await eventTypes(sub.id)).sort()).toEqual([
      "customer.subscription.created",
      "customer.subscription.updated",
      "customer.subscription.updated",
    ]);
    const changes = await query<{ previous: unknown; status: string }>(
      "select previous_attributes as previous, data->>'status' as status from events where object_id = $1",
      [sub.id],
    );
    expect(changes).toContainEqual({ previous: { status: "incomplete" }, status: "active" });
  }, 120_000);
});
