import { afterAll, beforeAll, expect } from "vitest";
import { query } from "../../../test/db";
import { pooledServices } from "../../../test/pooled-services";
import type { Services } from "../context";
import { randomBase62 } from "../ids";
import type { Environment } from "../tables";
import type { AccountRef } from "./accounts";
import { checkLedgerInvariants } from "./invariants";
import { type EntryInput, post } from "./post";

export let services: Services & { end(): Promise<void> };
beforeAll(() => {
  services = pooledServices(5);
});
afterAll(async () => {
  await services.end();
});

export const sandbox: Environment = "sandbox";
export const freshMerchant = () => `mer_ledgertest${randomBase62(16)}`;
export const available = (currency = "EUR"): AccountRef => ({ kind: "merchant_available", currency });
export const pending = (currency = "EUR"): AccountRef => ({ kind: "merchant_pending", currency });
export const reserved = (currency = "EUR"): AccountRef => ({ kind: "merchant_reserved", currency });
export const inTransit = (currency = "EUR"): AccountRef => ({ kind: "funding_in_transit", currency });
export const payouts = (currency = "EUR"): AccountRef => ({ kind: "payouts_in_transit", currency });

/** Sources are unique per environment, so tests prefix theirs with their merchant. */
export function postOnce(merchantId: string, source: string, entries: EntryInput[]) {
  return services.transaction((tx) =>
    post(
      {
        merchantId,
        environment: sandbox,
        source: `${merchantId}:${source}`,
        type: "adjustment",
        entries,
        at: new Date(),
      },
      tx,
    ),
  );
}

export async function balances(merchantId: string): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; currency: string; balance: string }>(
    "select kind, currency, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox'",
    [merchantId],
  );
  return Object.fromEntries(rows.map((row) => [`${row.currency}|${row.kind}`, Number(row.balance)]));
}

export async function expectClean(merchantId: string): Promise<void> {
  const report = await checkLedgerInvariants({ merchantId, environment: sandbox }, services.db);
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}
