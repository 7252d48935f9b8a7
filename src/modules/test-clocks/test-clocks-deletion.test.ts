import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  clockCustomer,
  eventTypes,
  getSubscription,
  monthlyPrice,
  newClock,
  type Subscription,
  subscribe,
} from "../subscriptions/testing";

/** A clock with one customer subscribed to a monthly price. */
async function clockWithSubscription(m: TestMerchant) {
  const clock = await newClock(m, "2027-04-01T00:00:00Z");
  const customer = await clockCustomer(m, clock);
  const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 900, "Team") }] });
  expect(sub.status).toBe("active");
  return { clock, customer, sub };
}

/** One test-clocks-prune run for this merchant, `days` after now, in a schedule slot of its own. */
function prune(m: TestMerchant, days: number) {
  const slot = Date.UTC(2006, 0, 1) + Math.floor(Math.random() * 1_000_000) * 3_600_000;
  return call<{ result: { deleted: number; customers_deleted: number } }>(
    "POST",
    `/internal/dev/functions/test-clocks-prune?time=${slot}`,
    {
      body: { merchant: m.merchantId },
      headers: { "x-test-clock-offset-seconds": String(days * 86_400) },
    },
  );
}

async function expectDeletedWithObjects(m: TestMerchant, clock: string, customer: string, sub: Subscription) {
  expectError(await m.sandbox.request("GET", `/test-clocks/${clock}`), 404, "resource_missing");
  expectError(await m.sandbox.request("GET", `/customers/${customer}`), 404, "resource_missing");
  const ended = await getSubscription(m, sub.id);
  expect(ended).toMatchObject({ status: "canceled", canceled_at: "2027-04-01T00:00:00.000Z" });
  expect(await eventTypes(sub.id)).toContain("customer.subscription.deleted");
  expect(await eventTypes(customer)).toContain("customer.deleted");
  // What the subscription charged stays in the books.
  const invoices = await query<{ status: string }>("select status from invoices where customer_id = $1", [
    customer,
  ]);
  expect(invoices).toEqual([{ status: "paid" }]);
}

describe("test clocks: deleted with their objects", () => {
  it("DELETE /test-clocks/{id} deletes its customers and cancels their subscriptions; another merchant's DELETE touches nothing", async () => {
    const m = await createMerchant();
    const { clock, customer, sub } = await clockWithSubscription(m);
    const other = await createMerchant();
    expectError(await other.sandbox.request("DELETE", `/test-clocks/${clock}`), 404, "resource_missing");
    expect((await getSubscription(m, sub.id)).status).toBe("active");
    expect((await m.sandbox.request("GET", `/customers/${customer}`)).status).toBe(200);

    const deleted = await m.sandbox.request("DELETE", `/test-clocks/${clock}`);
    expect(deleted.body).toEqual({ id: clock, object: "test_clock", deleted: true });
    await expectDeletedWithObjects(m, clock, customer, sub);
  }, 120_000);

  it("a deletion and an advance hold the clock in turn: the other is a 409, never a 500", async () => {
    const m = await createMerchant();
    const { clock, customer, sub } = await clockWithSubscription(m);
    // An advance in flight: the deletion is refused and takes nothing with it.
    await query("update test_clocks set status = 'advancing', updated_at = now() where id = $1", [clock]);
    expectError(await m.sandbox.request("DELETE", `/test-clocks/${clock}`), 409, "test_clock_advancing");
    expect((await m.sandbox.request("GET", `/customers/${customer}`)).status).toBe(200);
    expect((await getSubscription(m, sub.id)).status).toBe("active");
    await query("update test_clocks set status = 'ready' where id = $1", [clock]);

    const [advanced, deleted] = await Promise.all([
      m.sandbox.request("POST", `/test-clocks/${clock}/advance`, { frozen_time: "2027-05-01T02:00:00Z" }),
      m.sandbox.request("DELETE", `/test-clocks/${clock}`),
    ]);
    const outcomes = [advanced.status, deleted.status];
    expect([
      [200, 409],
      [409, 200],
      [404, 200],
    ]).toContainEqual(outcomes);
    if (deleted.status !== 200) {
      expect(await m.sandbox.request("DELETE", `/test-clocks/${clock}`)).toMatchObject({ status: 200 });
    }
    expectError(await m.sandbox.request("GET", `/test-clocks/${clock}`), 404, "resource_missing");
    expectError(await m.sandbox.request("GET", `/customers/${customer}`), 404, "resource_missing");
  }, 120_000);

  it("test-clocks-prune deletes a clock seven days after its creation, with its objects, and not before", async () => {
    const m = await createMerchant();
    const { clock, customer, sub } = await clockWithSubscription(m);
    const early = await prune(m, 6);
    expect(early.body.result).toEqual({ deleted: 0, customers_deleted: 0 });
    expect((await m.sandbox.request("GET", `/test-clocks/${clock}`)).status).toBe(200);

    const due = await prune(m, 8);
    expect(due.body.result).toEqual({ deleted: 1, customers_deleted: 1 });
    await expectDeletedWithObjects(m, clock, customer, sub);
  }, 120_000);

  it("deleting a customer cancels its subscriptions first, so none renews for a deleted customer", async () => {
    const m = await createMerchant();
    const { clock, customer, sub } = await clockWithSubscription(m);
    const other = await createMerchant();
    expectError(await other.sandbox.request("DELETE", `/customers/${customer}`), 404, "resource_missing");
    expect((await getSubscription(m, sub.id)).status).toBe("active");

    expect((await m.sandbox.request("DELETE", `/customers/${customer}`)).status).toBe(200);
    expect(await getSubscription(m, sub.id)).toMatchObject({ status: "canceled" });
    // A month on, nothing renews.
    expect(
      (
        await m.sandbox.request("POST", `/test-clocks/${clock}/advance`, {
          frozen_time: "2027-05-02T00:00:00Z",
        })
      ).status,
    ).toBe(200);
    const invoices = await query("select id from invoices where customer_id = $1", [customer]);
    expect(invoices).toHaveLength(1);
  }, 120_000);
});
