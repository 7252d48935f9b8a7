import { describe, expect, it } from "vitest";
import { createMerchant } from "../../../test/harness";
import {
  advance,
  clockCustomer,
  eventTypes,
  getInvoice,
  getSubscription,
  type InvoicePreview,
  meter,
  meteredPrice,
  newClock,
  paymentPostings,
  recordOk,
  subscribe,
} from "./testing";

interface Journey {
  formula: string;
  property?: string;
  unitAmount: number;
  /** Records of June 2027, sent in this order (dated by their timestamp). */
  records: Array<{ value?: number; timestamp: string; properties?: Record<string, string> }>;
  /** The meter's exact aggregate over June, and the whole quantity it rounds half up to. */
  value: string;
  quantity: number;
}

const journeys: Journey[] = [
  {
    formula: "count",
    unitAmount: 25,
    records: ["03", "07", "07", "19"].map((dayOf) => ({ timestamp: `2027-06-${dayOf}T08:00:00Z` })),
    value: "4",
    quantity: 4,
  },
  {
    formula: "count_unique",
    property: "user",
    unitAmount: 100,
    records: ["ada", "bob", "ada", "cy"].map((user, index) => ({
      timestamp: `2027-06-1${index}T08:00:00Z`,
      properties: { user },
    })),
    value: "3",
    quantity: 3,
  },
  {
    formula: "sum",
    unitAmount: 10,
    records: [
      { value: 2.5, timestamp: "2027-06-02T00:00:00Z" },
      { value: 4, timestamp: "2027-06-12T00:00:00Z" },
    ],
    value: "6.5",
    quantity: 7,
  },
  {
    formula: "max",
    unitAmount: 10,
    records: [3, 12.5, 7].map((value, index) => ({ value, timestamp: `2027-06-0${index + 2}T00:00:00Z` })),
    value: "12.5",
    quantity: 13,
  },
  {
    // The latest by timestamp, not by arrival: the record sent last is dated earlier.
    formula: "latest",
    unitAmount: 10,
    records: [
      { value: 5, timestamp: "2027-06-05T00:00:00Z" },
      { value: 3, timestamp: "2027-06-18T00:00:00Z" },
      { value: 9, timestamp: "2027-06-10T00:00:00Z" },
    ],
    value: "3",
    quantity: 3,
  },
  {
    // 10 for the first half of June's 30 days, 40 for the second: 10 × ½ + 40 × ½.
    formula: "weighted_sum",
    unitAmount: 10,
    records: [
      { value: 10, timestamp: "2027-06-01T00:00:00Z" },
      { value: 40, timestamp: "2027-06-16T00:00:00Z" },
    ],
    value: "25",
    quantity: 25,
  },
];

describe("metered journeys: each aggregation from usage to a paid renewal invoice", () => {
  it.each(journeys)(
    "$formula: usage, preview, the renewal draft, then paid with its ledger posting",
    async (journey) => {
      const m = await createMerchant();
      const clock = await newClock(m, "2027-06-01T00:00:00Z");
      const customer = await clockCustomer(m, clock);
      const usageMeter = await meter(m, `Usage ${journey.formula}`, journey.formula, journey.property);
      const price = await meteredPrice(m, usageMeter, { unit_amount: journey.unitAmount });
      const sub = await subscribe(m, { customer, items: [{ price }] });
      // Metered only: nothing is invoiced up front.
      expect(sub).toMatchObject({ status: "active", latest_invoice: null });
      // Created, then active at the same frozen time: compared as a set.
      expect((await eventTypes(sub.id)).sort()).toEqual([
        "customer.subscription.created",
        "customer.subscription.updated",
      ]);

      await advance(m, clock, "2027-06-20T00:00:00Z");
      for (const entry of journey.records) await recordOk(m, { meter: usageMeter, customer, ...entry });
      const usage = await m.sandbox.request<{ data: Array<{ value: string; quantity: number }> }>(
        "GET",
        `/subscriptions/${sub.id}/usage`,
      );
      const amount = journey.quantity * journey.unitAmount;
      expect(usage.body.data).toMatchObject([
        { value: journey.value, quantity: journey.quantity, amount_estimate: amount },
      ]);
      const preview = await m.sandbox.request<InvoicePreview>("POST", `/subscriptions/${sub.id}/preview`, {});
      const line = `Usage of Usage ${journey.formula} (2027-06-01 – 2027-07-01)`;
      expect(preview.body).toMatchObject({ billing_reason: "subscription_cycle", total: amount });
      expect(preview.body.lines.map((each) => [each.description, each.amount])).toEqual([[line, amount]]);

      // The renewal: a draft for an hour, as previewed.
      await advance(m, clock, "2027-07-01T00:30:00Z");
      const renewed = await getSubscription(m, sub.id);
      const draft = await getInvoice(m, renewed.latest_invoice);
      expect(draft).toMatchObject({ status: "draft", total: amount, payment: null });
      expect(draft.lines.map((each) => [each.description, each.amount, each.quantity])).toEqual([
        [line, amount, journey.quantity],
      ]);
      expect(await eventTypes(draft.id)).toEqual(["invoice.created"]);

      // Finalized and charged: paid, one balanced ledger posting of the total, the events in order.
      await advance(m, clock, "2027-07-01T01:00:00Z");
      const paid = await getInvoice(m, draft.id);
      expect(paid).toMatchObject({ status: "paid", total: preview.body.total, amount_paid: amount });
      expect(await paymentPostings(paid.payment)).toEqual([{ amount, net: 0 }]);
      const invoiceEvents = await eventTypes(draft.id);
      expect(invoiceEvents[0]).toBe("invoice.created");
      expect(invoiceEvents.slice(1).sort()).toEqual(["invoice.finalized", "invoice.paid"]);
      expect(await getSubscription(m, sub.id)).toMatchObject({
        status: "active",
        current_period_start: "2027-07-01T00:00:00.000Z",
      });
    },
    180_000,
  );
});
