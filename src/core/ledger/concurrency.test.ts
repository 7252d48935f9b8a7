import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { pooledServices } from "../../../test/pooled-services";
import type { Services } from "../context";
import { ApiError } from "../errors";
import { randomBase62 } from "../ids";
import type { AccountRef } from "./accounts";
import { LedgerError } from "./errors";
import { commitHold, releaseHold, reserveHold } from "./holds";
import { checkLedgerInvariants } from "./invariants";
import { type EntryInput, post } from "./post";

/**
 * Real concurrent transactions against PostgreSQL, through the Worker's driver and proxy: up to
 * 30 connections at once (the test server allows 100, shared with the rest of the suite).
 */
let services: Services & { end(): Promise<void> };
beforeAll(() => {
  services = pooledServices(30);
});
afterAll(async () => {
  await services.end();
});

const env = "sandbox" as const;
const available: AccountRef = { kind: "merchant_available", currency: "EUR" };
const reserved: AccountRef = { kind: "merchant_reserved", currency: "EUR" };
const inTransit: AccountRef = { kind: "funding_in_transit", currency: "EUR" };
const payouts: AccountRef = { kind: "payouts_in_transit", currency: "EUR" };

const freshMerchant = () => `mer_concurrency${randomBase62(16)}`;

function postNow(merchantId: string, source: string, entries: EntryInput[]) {
  return services.transaction((tx) =>
    post({ merchantId, environment: env, source, type: "adjustment", entries, at: new Date() }, tx),
  );
}

async function fund(merchantId: string, amount: number): Promise<void> {
  await postNow(merchantId, `${merchantId}:fund`, [
    { account: inTransit, amount: -amount },
    { account: available, amount },
  ]);
}

async function balanceOf(merchantId: string, kind: string): Promise<number> {
  const [row] = await query<{ balance: string }>(
    "select balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = 'EUR' and kind = $2",
    [merchantId, kind],
  );
  return Number(row?.balance ?? 0);
}

/** The lowest balance `available` ever had, from every entry's balance_after. */
async function lowestAvailable(merchantId: string): Promise<number> {
  const [row] = await query<{ low: string }>(
    `select min(e.balance_after) as low from ledger_entries e join ledger_accounts a on a.id = e.account_id
      where a.merchant_id = $1 and a.kind = 'merchant_available'`,
    [merchantId],
  );
  return Number(row?.low);
}

async function expectClean(merchantId: string): Promise<void> {
  const report = await checkLedgerInvariants({ merchantId, environment: env }, services.db);
  expect(report.violations).toEqual([]);
}

type Outcome =
  | { ok: true; amount: number; kind: "hold" | "debit" }
  | { ok: false; amount: number; error: unknown };

async function settle(amount: number, kind: "hold" | "debit", run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { ok: true, amount, kind };
  } catch (error) {
    return { ok: false, amount, error };
  }
}

function race(merchantId: string, amounts: number[]): Promise<Outcome[]> {
  return Promise.all(
    amounts.map((amount, i) => {
      const source = `${merchantId}:race:${i}`;
      if (i % 2 === 0) {
        return settle(amount, "hold", () =>
          services.transaction((tx) =>
            reserveHold(
              {
                merchantId,
                environment: env,
                source,
                type: "payout",
                currency: "EUR",
                amount,
                at: new Date(),
              },
              tx,
            ),
          ),
        );
      }
      return settle(amount, "debit", () =>
        postNow(merchantId, source, [
          { account: available, amount: -amount },
          { account: payouts, amount },
        ]),
      );
    }),
  );
}

function expectOnlyInsufficientFunds(outcomes: Outcome[]): void {
  for (const outcome of outcomes) {
    if (outcome.ok) continue;
    expect(outcome.error).toBeInstanceOf(ApiError);
    expect((outcome.error as ApiError).code).toBe("insufficient_funds");
  }
}

describe("ledger under concurrency (real PostgreSQL)", () => {
  it("100 concurrent holds and debits on a balance covering 33 of them: exactly 33 succeed", async () => {
    const m = freshMerchant();
    await fund(m, 1000);
    const outcomes = await race(
      m,
      Array.from({ length: 100 }, () => 30),
    );
    const succeeded = outcomes.filter((o) => o.ok);
    expect(succeeded).toHaveLength(33);
    expect(outcomes.filter((o) => !o.ok)).toHaveLength(67);
    expectOnlyInsufficientFunds(outcomes);
    const held = succeeded.filter((o) => o.ok && o.kind === "hold").length * 30;
    expect(await balanceOf(m, "merchant_available")).toBe(10);
    expect(await balanceOf(m, "merchant_reserved")).toBe(held);
    expect(await balanceOf(m, "payouts_in_transit")).toBe(990 - held);
    expect(await lowestAvailable(m)).toBeGreaterThanOrEqual(0);
    await expectClean(m);
  });

  it("100 concurrent holds and debits of random amounts: no overdraft, and every refusal truly did not fit", async () => {
    const m = freshMerchant();
    await fund(m, 5000);
    const amounts = Array.from({ length: 100 }, () => 1 + Math.floor(Math.random() * 200));
    const outcomes = await race(m, amounts);
    expectOnlyInsufficientFunds(outcomes);
    const spent = outcomes.filter((o) => o.ok).reduce((sum, o) => sum + o.amount, 0);
    const left = await balanceOf(m, "merchant_available");
    expect(left).toBe(5000 - spent);
    expect(left).toBeGreaterThanOrEqual(0);
    // Balances only fell, so whatever was refused was larger than what is left now.
    for (const refused of outcomes.filter((o) => !o.ok)) expect(refused.amount).toBeGreaterThan(left);
    expect(await lowestAvailable(m)).toBeGreaterThanOrEqual(0);
    await expectClean(m);
  });

  it("the same source posted 20 times at once is one posting", async () => {
    const m = freshMerchant();
    const source = `${m}:same-source`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        postNow(m, source, [
          { account: inTransit, amount: -700 },
          { account: available, amount: 700 },
        ]),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transaction.id)).size).toBe(1);
    expect(await query("select id from ledger_transactions where source = $1", [source])).toHaveLength(1);
    expect(await balanceOf(m, "merchant_available")).toBe(700);
    await expectClean(m);
  });

  it("a hold resolved 10 times at once (commits and releases) resolves exactly once", async () => {
    const m = freshMerchant();
    await fund(m, 100);
    const { hold } = await services.transaction((tx) =>
      reserveHold(
        {
          merchantId: m,
          environment: env,
          source: `${m}:hold`,
          type: "payout",
          currency: "EUR",
          amount: 80,
          at: new Date(),
        },
        tx,
      ),
    );
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        services.transaction((tx) =>
          i % 2 === 0
            ? commitHold(
                {
                  merchantId: m,
                  environment: env,
                  holdId: hold.id,
                  destination: payouts,
                  at: new Date(),
                },
                tx,
              )
            : releaseHold({ merchantId: m, environment: env, holdId: hold.id, at: new Date() }, tx),
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === "rejected") {
        expect(attempt.reason).toBeInstanceOf(LedgerError);
        expect((attempt.reason as LedgerError).code).toBe("hold_already_resolved");
      }
    }
    expect(await balanceOf(m, "merchant_reserved")).toBe(0);
    expect((await balanceOf(m, "merchant_available")) + (await balanceOf(m, "payouts_in_transit"))).toBe(100);
    await expectClean(m);
  });

  it("creates accounts race-free and never deadlocks when postings list accounts in opposite orders", async () => {
    const m = freshMerchant();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const forward: EntryInput[] = [
          { account: inTransit, amount: -(i + 1) },
          { account: available, amount: i + 1 },
          { account: reserved, amount: 1 },
          { account: { kind: "fees", currency: "EUR" }, amount: -1 },
        ];
        return postNow(m, `${m}:order:${i}`, i % 2 === 0 ? forward : [...forward].reverse());
      }),
    );
    expect(results.every((r) => r.created)).toBe(true);
    const accounts = await query("select kind from ledger_accounts where merchant_id = $1", [m]);
    expect(accounts).toHaveLength(4);
    expect(await balanceOf(m, "merchant_available")).toBe((60 * 61) / 2);
    await expectClean(m);
  });
});
