import { expect } from "vitest";
import type { TestMerchant } from "../../../test/harness";
import type { PayoutSchedule } from "./schemas";

/** Sets the merchant's payout schedule (sandbox) and answers it; shared by the schedule and automatic payout tests. */
export async function setSchedule(m: TestMerchant, body: Record<string, unknown>): Promise<PayoutSchedule> {
  const set = await m.sandbox.request<PayoutSchedule>("POST", "/payouts/schedule", body);
  expect(set.status, set.text).toBe(200);
  return set.body;
}
