import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";

type PaymentMethod = {
  id: string;
  customer: string | null;
  card: { brand: string; last4: string; fingerprint: string; country: string | null; funding: string } | null;
};

const PAN = "4000002500000003";
const CVC = "987";

describe("saved payment methods", () => {
  it("saves a card without its number, attaches, sets the default, pays with it, detaches", async () => {
    const m = await createMerchant();
    const customer = await m.sandbox.request<{ id: string }>("POST", "/customers", {
      email: "pm@example.com",
    });
    const saved = await m.sandbox.request<PaymentMethod>("POST", "/payment-methods", {
      type: "card",
      card: { number: PAN, exp_month: 11, exp_year: 2041, cvc: CVC },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.card).toMatchObject({ brand: "visa", last4: "0003", country: "FR", funding: "credit" });
    const again = await m.sandbox.request<PaymentMethod>("POST", "/payment-methods", {
      type: "card",
      card: { number: PAN, exp_month: 1, exp_year: 2042 },
    });
    expect(again.body.card?.fingerprint).toBe(saved.body.card?.fingerprint);
    expect(saved.text).not.toContain(PAN);

    expectError(
      await m.sandbox.request("PATCH", `/customers/${customer.body.id}`, {
        default_payment_method: saved.body.id,
      }),
      400,
      "payment_method_unusable",
    );
    const attached = await m.sandbox.request<PaymentMethod>(
      "POST",
      `/payment-methods/${saved.body.id}/attach`,
      {
        customer: customer.body.id,
        set_default: true,
      },
    );
    expect(attached.body.customer).toBe(customer.body.id);
    const cust = await m.sandbox.request<{ default_payment_method: string }>(
      "GET",
      `/customers/${customer.body.id}`,
    );
    expect(cust.body.default_payment_method).toBe(saved.body.id);
    const listed = await m.sandbox.request<{ data: PaymentMethod[] }>(
      "GET",
      `/customers/${customer.body.id}/payment-methods`,
    );
    expect(listed.body.data.map((pm) => pm.id)).toEqual([saved.body.id]);

    const paid = await m.sandbox.request<{ status: string; provider: string }>("POST", "/payments", {
      amount: 4_000,
      currency: "EUR",
      customer: customer.body.id,
      payment_method: saved.body.id,
      confirm: true,
    });
    expect(paid.body).toMatchObject({ status: "succeeded", provider: "sandbox_europe" });
    const other = await m.sandbox.request<{ id: string }>("POST", "/customers", { email: "x@example.com" });
    expectError(
      await m.sandbox.request("POST", "/payments", {
        amount: 100,
        currency: "EUR",
        customer: other.body.id,
        payment_method: saved.body.id,
        confirm: true,
      }),
      400,
      "payment_method_unusable",
    );

    await m.sandbox.request("POST", `/payment-methods/${saved.body.id}/detach`);
    const cleared = await m.sandbox.request<{ default_payment_method: string | null }>(
      "GET",
      `/customers/${customer.body.id}`,
    );
    expect(cleared.body.default_payment_method).toBeNull();
    expectError(
      await m.sandbox.request("POST", `/payment-methods/${saved.body.id}/detach`),
      400,
      "payment_method_unusable",
    );
  });

  it("no PAN or CVC in any text or json column of the database after card traffic", async () => {
    const columns = await query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
        where table_schema = 'public' and data_type in ('text', 'jsonb', 'json', 'character varying')`,
    );
    // One statement over every column: a query per column takes minutes on a loaded machine.
    const probes = columns.map(
      (column) =>
        `select '${column.table_name}.${column.column_name}' as found from "${column.table_name}"
          where "${column.column_name}"::text like $1 or "${column.column_name}"::text like $2`,
    );
    const hits = await query<{ found: string }>(probes.join("\n union all\n"), [
      `%${PAN}%`,
      "%4242424242424242%",
    ]);
    expect(columns.length).toBeGreaterThan(50);
    expect(hits.map((hit) => hit.found)).toEqual([]);
  });
});
