import { query } from "../../../test/db";
import type { TestMerchant } from "../../../test/harness";

export interface SandboxEmail {
  id: string;
  to: string;
  template: string;
  subject: string;
  text: string;
  related_object: string | null;
  status: string;
  tags: Record<string, string>;
  created_at: string;
}

/** The reminder events of an invoice, oldest first, with their times. */
export async function reminderEvents(invoice: string): Promise<Array<{ type: string; at: string }>> {
  const rows = await query<{ type: string; created_at: Date }>(
    `select type, created_at from events where object_id = $1
       and type in ('invoice.will_be_due', 'invoice.overdue') order by created_at, id`,
    [invoice],
  );
  return rows.map((row) => ({ type: row.type, at: row.created_at.toISOString() }));
}

/** The sandbox outbox's emails about an invoice, oldest first. */
export async function outboxOf(m: TestMerchant, invoice: string): Promise<SandboxEmail[]> {
  const list = await m.sandbox.request<{ data: SandboxEmail[] }>(
    "GET",
    `/sandbox/emails?invoice=${invoice}&limit=100`,
  );
  if (list.status !== 200) throw new Error(`outbox: ${list.text}`);
  return list.body.data.reverse();
}

/**
 * A send_invoice subscription on a clock at 2027-01-01T00:00Z for a customer with `email` (or none):
 * its first invoice is open from then, due 10 days later (2027-01-11); with the default settings its
 * reminders fall on Jan 8 (3 days before), Jan 12, 18 and 25 (1, 7, 14 days after).
 */
export async function remindedSubscription(
  m: TestMerchant,
  email: string | null,
): Promise<{ clock: string; customer: string; invoice: string }> {
  const api = m.sandbox;
  const clock = await api.request<{ id: string }>("POST", "/test-clocks", {
    frozen_time: "2027-01-01T00:00:00Z",
  });
  const customer = await api.request<{ id: string }>("POST", "/customers", {
    name: "Reminded",
    test_clock: clock.body.id,
    ...(email ? { email } : {}),
  });
  if (customer.status !== 200) throw new Error(`customer: ${customer.text}`);
  const product = await api.request<{ id: string }>("POST", "/products", { name: "Reminded" });
  const price = await api.request<{ id: string }>("POST", "/prices", {
    product: product.body.id,
    currency: "USD",
    unit_amount: 2500,
    recurring: { interval: "month", interval_count: 1 },
  });
  const sub = await api.request<{ latest_invoice: string | null }>("POST", "/subscriptions", {
    customer: customer.body.id,
    items: [{ price: price.body.id }],
    collection_method: "send_invoice",
    days_until_due: 10,
  });
  if (!sub.body.latest_invoice) throw new Error(`subscription: ${sub.text}`);
  return { clock: clock.body.id, customer: customer.body.id, invoice: sub.body.latest_invoice };
}
