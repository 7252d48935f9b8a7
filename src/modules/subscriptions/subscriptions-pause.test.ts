import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  advance,
  clockCustomer,
  customerInvoices,
  eventTypes,
  getInvoice,
  getSubscription,
  monthlyPrice,
  newClock,
  type Subscription,
  subscribe,
} from "./testing";

type Paused = Subscription & { pause_collection: { behavior: string; resumes_at: string | null } | null };

/** An active monthly subscription of 15.00 on a clock at 2027-03-01 09:00, its first invoice paid. */
async function activeOnClock(m: TestMerchant) {
  const clock = await newClock(m, "2027-03-01T09:00:00Z");
  const customer = await clockCustomer(m, clock);
  const price = await monthlyPrice(m, 1500, "Basic");
  const sub = await subscribe(m, { customer, items: [{ price }] });
  expect(sub.status).toBe("active");
  return { clock, customer, sub };
}

async function pause(m: TestMerchant, id: string, body: Record<string, unknown>): Promise<Paused> {
  const paused = await m.sandbox.request<Paused>("POST", `/subscriptions/${id}/pause`, body);
  expect(paused.status, paused.text).toBe(200);
  return paused.body;
}

async function captures(customer: string): Promise<number> {
  const rows = await query<{ count: string }>(
    "select count(*)::text as count from payments where customer_id = $1 and amount_received > 0",
    [customer],
  );
  return Number(rows[0]?.count);
}

describe("subscriptions: pause and resume", () => {
  it("void: renewals while paused are invoiced and voided, never charged; after resume the next renewal is charged", async () => {
    const m = await createMerchant();
    const { clock, customer, sub } = await activeOnClock(m);
    const paused = await pause(m, sub.id, { behavior: "void" });
    expect(paused).toMatchObject({
      status: "paused",
      pause_collection: { behavior: "void", resumes_at: null },
    });

    await advance(m, clock, "2027-04-02T00:00:00Z");
    const during = await getSubscription(m, sub.id);
    expect(during).toMatchObject({
      status: "paused",
      current_period_start: "2027-04-01T09:00:00.000Z",
      current_period_end: "2027-05-01T09:00:00.000Z",
    });
    expect(during.latest_invoice).not.toBe(sub.latest_invoice);
    expect(await getInvoice(m, during.latest_invoice)).toMatchObject({
      status: "void",
      total: 1500,
      amount_paid: 0,
    });
    expect(await captures(customer)).toBe(1);

    const resumed = await m.sandbox.request<Paused>("POST", `/subscriptions/${sub.id}/resume`, {});
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.body).toMatchObject({ status: "active", pause_collection: null });
    await advance(m, clock, "2027-05-02T00:00:00Z");
    const after = await getSubscription(m, sub.id);
    expect(after.status).toBe("active");
    expect(await getInvoice(m, after.latest_invoice)).toMatchObject({
      status: "paid",
      total: 1500,
      amount_paid: 1500,
    });
    expect(await captures(customer)).toBe(2);
    expect((await customerInvoices(m, customer)).map((invoice) => invoice.status)).toEqual([
      "paid",
      "void",
      "paid",
    ]);
    // Created and paused carry the same frozen time: compared as a set.
    const types = await eventTypes(sub.id);
    expect(types.filter((type) => type !== "customer.subscription.updated").sort()).toEqual([
      "customer.subscription.created",
      "customer.subscription.paused",
      "customer.subscription.resumed",
    ]);
  }, 180_000);

  it("keep_as_draft with resumes_at: the paused renewal stays a draft, collection resumes by itself at resumes_at", async () => {
    const m = await createMerchant();
    const { clock, customer, sub } = await activeOnClock(m);
    const paused = await pause(m, sub.id, { behavior: "keep_as_draft", resumes_at: "2027-04-15T00:00:00Z" });
    expect(paused.pause_collection).toEqual({
      behavior: "keep_as_draft",
      resumes_at: "2027-04-15T00:00:00.000Z",
    });

    await advance(m, clock, "2027-04-10T00:00:00Z");
    const during = await getSubscription(m, sub.id);
    expect(during.status).toBe("paused");
    expect(await getInvoice(m, during.latest_invoice)).toMatchObject({
      status: "draft",
      total: 1500,
      amount_paid: 0,
    });

    await advance(m, clock, "2027-05-02T00:00:00Z");
    const after = (await getSubscription(m, sub.id)) as Paused;
    expect(after).toMatchObject({ status: "active", pause_collection: null });
    expect(await getInvoice(m, after.latest_invoice)).toMatchObject({ status: "paid", total: 1500 });
    expect((await customerInvoices(m, customer)).map((invoice) => invoice.status)).toEqual([
      "paid",
      "draft",
      "paid",
    ]);
    const resumedAt = await query<{ created_at: Date }>(
      "select created_at from events where object_id = $1 and type = 'customer.subscription.resumed'",
      [sub.id],
    );
    expect(resumedAt.map((row) => row.created_at.toISOString())).toEqual(["2027-04-15T00:00:00.000Z"]);
  }, 180_000);

  it("mark_uncollectible: the paused renewal is finalized and marked uncollectible", async () => {
    const m = await createMerchant();
    const { clock, customer, sub } = await activeOnClock(m);
    await pause(m, sub.id, { behavior: "mark_uncollectible" });
    await advance(m, clock, "2027-04-02T00:00:00Z");
    const during = await getSubscription(m, sub.id);
    expect(await getInvoice(m, during.latest_invoice)).toMatchObject({
      status: "uncollectible",
      amount_remaining: 1500,
    });
    expect(await captures(customer)).toBe(1);
    // Paused again: the behavior changes, and that is an update, not a second pause.
    const changed = await pause(m, sub.id, { behavior: "void" });
    expect(changed.pause_collection?.behavior).toBe("void");
    expect((await eventTypes(sub.id)).filter((type) => type === "customer.subscription.paused")).toHaveLength(
      1,
    );
  }, 180_000);

  it("refuses what cannot be paused or resumed, and bad input, writing nothing", async () => {
    const m = await createMerchant();
    const { sub } = await activeOnClock(m);
    const before = await eventTypes(sub.id);
    const pausePath = `/subscriptions/${sub.id}/pause`;
    expectError(await m.sandbox.request("POST", pausePath, {}), 400, "parameter_missing");
    expectError(await m.sandbox.request("POST", pausePath, { behavior: "stop" }), 400, "parameter_invalid");
    expectError(
      await m.sandbox.request("POST", pausePath, { behavior: "void", resumes_at: "2027-02-01T00:00:00Z" }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", pausePath, { behavior: "void", until: "2027-05-01T00:00:00Z" }),
      400,
      "parameter_unknown",
    );
    expectError(
      await m.sandbox.request("POST", pausePath, { behavior: "void\u0000" }),
      400,
      "parameter_characters_invalid",
    );
    expectError(
      await m.sandbox.request("POST", `/subscriptions/${sub.id}/resume`, {}),
      409,
      "subscription_status_invalid",
    );
    expect(await getSubscription(m, sub.id)).toMatchObject({ status: "active" });
    expect(await eventTypes(sub.id)).toEqual(before);

    const trialing = await subscribe(m, {
      customer: sub.customer,
      items: sub.items.map((item) => ({ price: item.price })),
      trial_period_days: 7,
    });
    expectError(
      await m.sandbox.request("POST", `/subscriptions/${trialing.id}/pause`, { behavior: "void" }),
      409,
      "subscription_status_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/subscriptions/sub_missing/pause", { behavior: "void" }),
      404,
      "resource_missing",
    );
  }, 180_000);

  it("a retried pause with the same Idempotency-Key answers the same and pauses once", async () => {
    const m = await createMerchant();
    const { sub } = await activeOnClock(m);
    const key = { "idempotency-key": `pause-${sub.id}` };
    const path = `/subscriptions/${sub.id}/pause`;
    const [first, second] = await Promise.all([
      m.sandbox.request("POST", path, { behavior: "void" }, key),
      m.sandbox.request("POST", path, { behavior: "void" }, key),
    ]);
    const statuses = [first.status, second.status].sort();
    // Concurrent: one pauses, the other waits for it or is told the key is in use (409), never a second pause.
    expect(statuses[0]).toBe(200);
    const replay = await m.sandbox.request("POST", path, { behavior: "void" }, key);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.status === 200 ? first.body : second.body);
    expect((await eventTypes(sub.id)).filter((type) => type === "customer.subscription.paused")).toHaveLength(
      1,
    );
  }, 180_000);
});
