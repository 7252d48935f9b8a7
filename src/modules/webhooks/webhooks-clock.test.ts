import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, createMerchant, type TestMerchant } from "../../../test/harness";
import { eventually, qstashMessages } from "../../../test/qstash";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/webhook-receiver";
import { advance, clockCustomer, monthlyPrice, newClock, subscribe } from "../subscriptions/testing";
import { createEndpoint, deliveriesOf, getDelivery, newPath, verify } from "./webhooks-testing";

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

interface AttemptRow {
  number: number;
  status: string;
  scheduled_for: Date;
  test_clock_id: string | null;
}

async function attemptsOf(deliveryId: string): Promise<AttemptRow[]> {
  return query<AttemptRow>(
    "select number, status, scheduled_for, test_clock_id from webhook_delivery_attempts where delivery_id = $1 order by number",
    [deliveryId],
  );
}

/** In the past: the clock's retries are long overdue on real time, which must not make them. */
const T0 = Date.parse("2026-06-01T00:00:00Z");

/**
 * A clock at T0 with a subscription whose customer.subscription.created goes to an endpoint that
 * answers `answers` in turn (then 200); resolves once the first attempt failed and the second is
 * scheduled.
 */
async function failingClockDelivery(m: TestMerchant, answers: number[]) {
  const path = newPath();
  receiver.respond(path, (_request, index) => ({ status: answers[index] ?? 200 }));
  const endpoint = await createEndpoint(m.sandbox, {
    url: receiver.url(path),
    enabled_events: ["customer.subscription.created"],
  });
  const clock = await newClock(m, new Date(T0).toISOString());
  const customer = await clockCustomer(m, clock);
  await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 500, "Hooks") }] });
  const delivery = await eventually(async () => {
    const [summary] = await deliveriesOf(m.sandbox, endpoint.id);
    return summary && (await attemptsOf(summary.id)).length === 2 ? summary : undefined;
  });
  return { path, endpoint, clock, delivery };
}

describe("webhook retries on a test clock", () => {
  it("a clock's delivery retries on the schedule in the clock's time, made by its advance and signed on real time", async () => {
    const m = await createMerchant();
    const { path, endpoint, clock, delivery } = await failingClockDelivery(m, [500, 500, 503]);
    const [first, second] = await attemptsOf(delivery.id);
    expect(first).toMatchObject({ status: "failed", test_clock_id: null });
    // The retry 5 s (± 10 %) after the event, on the clock, with no QStash message.
    expect(second).toMatchObject({ status: "scheduled", test_clock_id: clock });
    const waited = (second?.scheduled_for.getTime() ?? 0) - T0;
    expect(waited).toBeGreaterThanOrEqual(4_500);
    expect(waited).toBeLessThanOrEqual(5_500);
    const secondId = (
      await query<{ id: string }>(
        "select id from webhook_delivery_attempts where delivery_id = $1 and number = 2",
        [delivery.id],
      )
    )[0]?.id;
    expect(
      (await qstashMessages()).some((message) => JSON.stringify(message).includes(secondId ?? "?")),
    ).toBe(false);
    // The sweep republishes attempts overdue on real time; this one waits for the clock.
    const slot = Date.UTC(2005, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000;
    const sweep = await call<{ status: string }>(
      "POST",
      `/internal/dev/functions/webhook-sweep?time=${slot}`,
      {
        body: {},
      },
    );
    expect(sweep.body.status, sweep.text).toBe("succeeded");
    expect(
      (await qstashMessages()).some((message) => JSON.stringify(message).includes(secondId ?? "?")),
    ).toBe(false);
    expect((await attemptsOf(delivery.id))[1]?.status).toBe("scheduled");

    // One minute on the clock: the 5 s retry is made (and fails); the next is 5 min after it.
    await advance(m, clock, new Date(T0 + 60_000).toISOString());
    expect(receiver.received(path)).toHaveLength(2);
    const afterMinute = await attemptsOf(delivery.id);
    expect(afterMinute.map((attempt) => attempt.status)).toEqual(["failed", "failed", "scheduled"]);
    const thirdWait = (afterMinute[2]?.scheduled_for.getTime() ?? 0) - (second?.scheduled_for.getTime() ?? 0);
    expect(thirdWait).toBeGreaterThanOrEqual(270_000);
    expect(thirdWait).toBeLessThanOrEqual(330_000);

    // An hour on: the 5 min retry fails (503), the 30 min one succeeds.
    await advance(m, clock, new Date(T0 + 3_600_000).toISOString());
    const requests = receiver.received(path);
    expect(requests).toHaveLength(4);
    // Signed at the real time, so a receiver's tolerance check passes.
    const last = requests[3];
    expect(Math.abs(Number(last?.headers["webhook-timestamp"]) * 1000 - Date.now())).toBeLessThan(120_000);
    expect(verify(endpoint.secret ?? "", last as NonNullable<typeof last>).type).toBe(
      "customer.subscription.created",
    );
    const done = await getDelivery(m.sandbox, delivery.id);
    expect(done).toMatchObject({ status: "succeeded", attempt_count: 4, next_attempt_at: null });
  }, 120_000);

  it("deleting the clock gives its scheduled retries back to real time", async () => {
    const m = await createMerchant();
    const { clock, delivery } = await failingClockDelivery(m, [500]);
    expect((await attemptsOf(delivery.id))[1]).toMatchObject({ status: "scheduled", test_clock_id: clock });
    expect((await m.sandbox.request("DELETE", `/test-clocks/${clock}`)).status).toBe(200);
    expect((await attemptsOf(delivery.id))[1]).toMatchObject({ status: "scheduled", test_clock_id: null });
  }, 120_000);
});
