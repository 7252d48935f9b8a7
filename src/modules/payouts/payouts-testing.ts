import { expect } from "vitest";
import { query } from "../../../test/db";
import type { TestMerchant } from "../../../test/harness";
import type { PayoutSchedule } from "./schemas";

/** Sets the merchant's payout schedule (sandbox) and answers it; shared by the schedule and automatic payout tests. */
export async function setSchedule(m: TestMerchant, body: Record<string, unknown>): Promise<PayoutSchedule> {
  const set = await m.sandbox.request<PayoutSchedule>("POST", "/payouts/schedule", body);
  expect(set.status, set.text).toBe(200);
  return set.body;
}

export async function balances(m: TestMerchant, currency: string): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; balance: string }>(
    "select kind, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = $2",
    [m.merchantId, currency],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.balance)]));
}

export async function payoutPostings(m: TestMerchant): Promise<string[]> {
  const rows = await query<{ source: string }>(
    "select source from ledger_transactions where merchant_id = $1 and type = 'payout' order by source",
    [m.merchantId],
  );
  return rows.map((row) => row.source);
}

export async function eventTypes(id: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at",
    [id],
  );
  return rows.map((row) => row.type);
}
