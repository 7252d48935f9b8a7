import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import { roundTripsUnder } from "../../../test/round-trips-testing";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/webhook-receiver";
import type { Services } from "../../core/context";
import { newId } from "../../core/ids";
import { dispatchEvents, dispatchRecorded } from "./fanout";
import { forgetScope, isQuiet } from "./quiet-scopes";
import { createCustomer, createEndpoint, newPath } from "./webhooks-testing";

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

/** An event written straight into the table, as any statement of the API writes one. */
async function writeEvent(
  m: TestMerchant,
  environment: "sandbox" | "production" = "sandbox",
): Promise<{ id: string; createdAt: Date; dispatchedAt: Date | null }> {
  const id = newId("event");
  const [row] = await query<{ created_at: Date; dispatched_at: Date | null }>(
    `insert into events (id, merchant_id, environment, type, object_id, object_type, data, api_version, created_at)
     values ($1, $2, $3, 'customer.updated', 'cus_dispatch', 'customer', '{}', '2026-11-01', now())
     returning created_at, dispatched_at`,
    [id, m.merchantId, environment],
  );
  if (!row) throw new Error("no event row");
  return { id, createdAt: row.created_at, dispatchedAt: row.dispatched_at };
}

/** Runs `work` with services of its own, traced under a new id; answers the work's result and the id. */
async function traced<T>(work: (services: Services) => Promise<T>): Promise<{ result: T; trace: string }> {
  const trace = `test-dispatch-${newId("request")}`;
  const services = nodeServices({}, { requestId: trace });
  try {
    return { result: await work(services), trace };
  } finally {
    await services.close();
  }
}

/** Dispatches one recorded event as a request's after-response work does; the database round trips it made. */
async function dispatchOne(m: TestMerchant, eventId: string): Promise<number> {
  const { trace } = await traced((services) =>
    dispatchRecorded(services, [{ id: eventId, merchantId: m.merchantId, environment: "sandbox" }]),
  );
  const counted = await roundTripsUnder(trace);
  return counted.db_http + counted.db_ws;
}

/** What the webhook sweep does with an undispatched event: the number of deliveries created. */
async function sweepOne(eventId: string): Promise<number> {
  return (await traced((services) => dispatchEvents(services, [eventId]))).result;
}

describe("event dispatch without endpoints", () => {
  it("writes an environment's events as dispatched when it has no enabled endpoint, and undispatched once it has one", async () => {
    const m = await createMerchant();
    const quiet = await writeEvent(m);
    expect(quiet.dispatchedAt).toEqual(quiet.createdAt);

    await createEndpoint(m.sandbox, { url: receiver.url(newPath()), enabled_events: ["customer.updated"] });
    const received = await writeEvent(m);
    expect(received.dispatchedAt).toBeNull();
    // The production environment of the same merchant still has none.
    expect((await writeEvent(m, "production")).dispatchedAt).not.toBeNull();
    // Its dispatch creates the endpoint's delivery and marks it dispatched.
    expect(await sweepOne(received.id)).toBe(1);
    const [after] = await query<{ dispatched_at: Date | null }>(
      "select dispatched_at from events where id = $1",
      [received.id],
    );
    expect(after?.dispatched_at).not.toBeNull();
  });

  it("skips the dispatch round trip for an environment last seen without endpoints; a stale view leaves the event to the sweep", async () => {
    const m = await createMerchant();
    const scope = { merchantId: m.merchantId, environment: "sandbox" as const };
    forgetScope(scope);
    // First dispatch: one statement, which learns the environment has no endpoint.
    expect(await dispatchOne(m, (await writeEvent(m)).id)).toBe(1);
    expect(isQuiet(scope)).toBe(true);
    // Then none at all.
    expect(await dispatchOne(m, (await writeEvent(m)).id)).toBe(0);

    // An endpoint created through the API (in the Worker, another isolate than this process): this
    // isolate's view is stale, so the next event is not dispatched here and stays for the sweep.
    const path = newPath();
    await createEndpoint(m.sandbox, { url: receiver.url(path), enabled_events: ["customer.updated"] });
    const missed = await writeEvent(m);
    expect(await dispatchOne(m, missed.id)).toBe(0);
    const [pending] = await query<{ dispatched_at: Date | null }>(
      "select dispatched_at from events where id = $1",
      [missed.id],
    );
    expect(pending?.dispatched_at).toBeNull();
    // What the sweep does with it: the delivery goes out.
    expect(await sweepOne(missed.id)).toBe(1);
    expect(isQuiet(scope)).toBe(false);
    await receiver.waitFor(path, 1);

    // With the environment known to receive, the next event is dispatched at once.
    const next = await writeEvent(m);
    expect(await dispatchOne(m, next.id)).toBeGreaterThanOrEqual(1);
    await receiver.waitFor(path, 2);
  });

  it("a Worker request of a merchant without endpoints leaves its event dispatched, with no delivery", async () => {
    const m = await createMerchant();
    const customerId = await createCustomer(m);
    const [event] = await query<{ created_at: Date; dispatched_at: Date | null }>(
      "select created_at, dispatched_at from events where object_id = $1",
      [customerId],
    );
    expect(event?.dispatched_at).toEqual(event?.created_at);
    expect(await query("select 1 from webhook_deliveries where merchant_id = $1", [m.merchantId])).toEqual(
      [],
    );
  });
});
