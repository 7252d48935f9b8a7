import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { usAccount } from "../bank-accounts/test-accounts";
import { verifiedAccount } from "../bank-transfers/bank-transfers-testing";
import { setSchedule } from "./payouts-testing";
import type { PayoutSchedule } from "./schemas";

describe("payout schedule", () => {
  it("is manual by default, takes daily, weekly and monthly with their anchors, per environment, with events", async () => {
    const m = await createMerchant();
    const initial = await m.sandbox.request<PayoutSchedule>("GET", "/payouts/schedule");
    expect(initial.status, initial.text).toBe(200);
    expect(initial.body).toMatchObject({
      id: null,
      object: "payout_schedule",
      interval: "manual",
      weekly_anchor: null,
      monthly_anchor: null,
      minimum_amount: 0,
      destination: null,
      timezone: "UTC",
      next_run_at: null,
      updated_at: null,
    });

    const account = await verifiedAccount(m, usAccount());
    const weekly = await setSchedule(m, {
      interval: "weekly",
      weekly_anchor: "friday",
      minimum_amount: 5_000,
      destination: account,
    });
    expect(weekly).toMatchObject({
      interval: "weekly",
      weekly_anchor: "friday",
      minimum_amount: 5_000,
      minimum_amounts: {},
      method: "standard",
      delay_days: 0,
      destination: account,
    });
    expect(weekly.id?.startsWith("posch_")).toBe(true);
    const nextFriday = new Date(weekly.next_run_at ?? "");
    expect(nextFriday.getUTCDay()).toBe(5);
    expect(weekly.next_run_at?.endsWith("T00:00:00.000Z")).toBe(true);

    const monthly = await setSchedule(m, { interval: "monthly", monthly_anchor: 31 });
    expect(monthly).toMatchObject({
      id: weekly.id,
      interval: "monthly",
      weekly_anchor: null,
      monthly_anchor: 31,
      minimum_amount: 0,
      destination: null,
    });
    // The 31st, or the last day of a shorter month.
    const next = new Date(monthly.next_run_at ?? "");
    const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
    expect(next.getUTCDate()).toBe(Math.min(31, lastDay));

    // Per-currency minimums, the instant method and a delay: kept, and left out they take their defaults.
    const instant = await setSchedule(m, {
      interval: "daily",
      method: "instant",
      minimum_amounts: { USD: 500, EUR: 10_000_000 },
      delay_days: 2,
    });
    expect(instant).toMatchObject({
      method: "instant",
      minimum_amount: 0,
      minimum_amounts: { USD: 500, EUR: 10_000_000 },
      delay_days: 2,
    });
    const daily = await setSchedule(m, { interval: "daily" });
    expect(daily).toMatchObject({ method: "standard", minimum_amounts: {}, delay_days: 0 });
    expect(new Date(daily.next_run_at ?? "").getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect((await m.sandbox.request<PayoutSchedule>("GET", "/payouts/schedule")).body).toMatchObject({
      id: weekly.id,
      interval: "daily",
    });

    // Production keeps its own schedule, and an automatic one there passes the payouts' KYB gate.
    expect((await m.production.request<PayoutSchedule>("GET", "/payouts/schedule")).body.interval).toBe(
      "manual",
    );
    expectError(
      await m.production.request("POST", "/payouts/schedule", { interval: "daily" }),
      403,
      "account_verification_required",
    );
    const manual = await m.production.request<PayoutSchedule>("POST", "/payouts/schedule", {
      interval: "manual",
    });
    expect(manual.status, manual.text).toBe(200);
    expect(manual.body).toMatchObject({ interval: "manual", next_run_at: null, environment: "production" });

    const events = await query<{ type: string; data: { object: { id: string } } }>(
      "select type, data from events where merchant_id = $1 and type = 'payout_schedule.updated' and environment = 'sandbox'",
      [m.merchantId],
    );
    expect(events).toHaveLength(4);

    // A retried POST with the same Idempotency-Key is replayed and records one change.
    const key = { "idempotency-key": `sched-${crypto.randomUUID()}` };
    const first = await m.sandbox.request(
      "POST",
      "/payouts/schedule",
      { interval: "weekly", weekly_anchor: "monday" },
      key,
    );
    const again = await m.sandbox.request(
      "POST",
      "/payouts/schedule",
      { interval: "weekly", weekly_anchor: "monday" },
      key,
    );
    expect(first.status, first.text).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    const after = await query<{ n: number }>(
      "select count(*)::int as n from events where merchant_id = $1 and type = 'payout_schedule.updated' and environment = 'sandbox'",
      [m.merchantId],
    );
    expect(after[0]?.n).toBe(5);
  });

  it("refuses bad input and bad destinations with a catalog code, writing nothing", async () => {
    const m = await createMerchant();
    const post = (body: unknown) => m.sandbox.request("POST", "/payouts/schedule", body);
    expectError(await post({ interval: "weekly" }), 400, "parameter_missing");
    expectError(await post({ interval: "monthly" }), 400, "parameter_missing");
    expectError(await post({ interval: "daily", weekly_anchor: "monday" }), 400, "parameter_invalid");
    expectError(
      await post({ interval: "weekly", weekly_anchor: "monday", monthly_anchor: 3 }),
      400,
      "parameter_invalid",
    );
    expectError(await post({ interval: "manual", monthly_anchor: 3 }), 400, "parameter_invalid");
    for (const anchor of [0, 32, 1.5, "1"]) {
      expectError(await post({ interval: "monthly", monthly_anchor: anchor }), 400, "parameter_invalid");
    }
    expectError(await post({ interval: "weekly", weekly_anchor: "someday" }), 400, "parameter_invalid");
    expectError(await post({ interval: "hourly" }), 400, "parameter_invalid");
    expectError(await post({}), 400, "parameter_missing");
    expectError(await post({ interval: "daily", minimum_amount: -1 }), 400, "amount_invalid");
    expectError(await post({ interval: "daily", minimum_amount: 10.5 }), 400, "amount_invalid");
    expectError(await post({ interval: "daily", extra: 1 }), 400, "parameter_unknown");
    // Per-currency minimums: payout currencies only, whole minor units, within the instant rail's limit.
    const minimums = (minimum_amounts: unknown, method = "standard") =>
      post({ interval: "daily", method, minimum_amounts });
    expectError(await minimums({ USD: 500, SEK: 1_000 }), 400, "payout_rail_unavailable");
    expectError(await minimums({ usd: 500 }), 400, "parameter_invalid");
    expectError(await minimums({ USD: -1 }), 400, "parameter_invalid");
    expectError(await minimums({ EUR: 10.5 }), 400, "parameter_invalid");
    expectError(await minimums([500]), 400, "parameter_invalid");
    expectError(await minimums({ EUR: 10_000_001 }, "instant"), 400, "rail_limit_exceeded");
    expectError(await minimums({ GBP: 100_000_001 }, "instant"), 400, "rail_limit_exceeded");
    expectError(await post({ interval: "daily", method: "express" }), 400, "parameter_invalid");
    for (const delay of [-1, 32, 1.5, "2"]) {
      expectError(await post({ interval: "daily", delay_days: delay }), 400, "parameter_invalid");
    }

    // Destinations: missing, another merchant's, unverified, a customer's, a crypto wallet.
    expectError(await post({ interval: "daily", destination: "ba_missing" }), 404, "resource_missing");
    const other = await createMerchant();
    const foreign = await verifiedAccount(other, usAccount());
    const refused = await post({ interval: "daily", destination: foreign });
    expectError(refused, 404, "resource_missing");
    expect(refused.text).not.toContain(other.merchantId);
    const unverified = await m.sandbox.request<{ id: string }>("POST", "/bank-accounts", usAccount());
    expectError(
      await post({ interval: "daily", destination: unverified.body.id }),
      409,
      "bank_account_unverified",
    );
    const customer = await m.sandbox.request<{ id: string }>("POST", "/customers", {
      email: "payee@example.com",
    });
    const customers = await verifiedAccount(m, { ...usAccount(), customer: customer.body.id });
    expectError(
      await post({ interval: "daily", destination: customers }),
      400,
      "payout_destination_unsupported",
    );
    expectError(
      await post({ interval: "daily", destination: `0x${"ab".repeat(20)}` }),
      400,
      "payout_destination_unsupported",
    );
    // The owner's own account in the other environment is not found either.
    const own = await verifiedAccount(m, usAccount());
    expectError(
      await m.production.request("POST", "/payouts/schedule", { interval: "manual", destination: own }),
      404,
      "resource_missing",
    );

    expect((await m.sandbox.request<PayoutSchedule>("GET", "/payouts/schedule")).body.id).toBeNull();
    const events = await query<{ n: number }>(
      "select count(*)::int as n from events where merchant_id = $1 and type = 'payout_schedule.updated'",
      [m.merchantId],
    );
    expect(events[0]?.n).toBe(0);
  });
});
