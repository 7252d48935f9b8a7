import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { ApiError } from "../errors";
import { LedgerError } from "./errors";
import { commitHold, releaseHold, reserveHold } from "./holds";
import { checkLedgerInvariants } from "./invariants";
import {
  available,
  balances,
  expectClean,
  freshMerchant,
  inTransit,
  payouts,
  postOnce,
  rejection,
  sandbox,
  services,
} from "./ledger-testing";
import { type EntryInput, post } from "./post";

describe("ledger: post", () => {
  it("posts balanced entries, updates running balances and records balance_after", async () => {
    const m = freshMerchant();
    const first = await postOnce(m, "t:1", [
      { account: inTransit(), amount: -1000 },
      { account: available(), amount: 1000 },
    ]);
    expect(first.created).toBe(true);
    expect(first.transaction.id).toMatch(/^ltx_/);
    expect(first.transaction).toMatchObject({ amount: 1000, currency: "EUR", status: "posted" });
    expect(first.entries.map((e) => [e.amount, e.balanceAfter])).toEqual([
      [-1000, -1000],
      [1000, 1000],
    ]);
    await postOnce(m, "t:2", [
      { account: available(), amount: -300 },
      { account: payouts(), amount: 300 },
    ]);
    expect(await balances(m)).toEqual({
      "EUR|funding_in_transit": -1000,
      "EUR|merchant_available": 700,
      "EUR|payouts_in_transit": 300,
    });
    await expectClean(m);
  });

  it("is idempotent on its source: a replay returns the first posting and moves nothing", async () => {
    const m = freshMerchant();
    const entries = [
      { account: inTransit(), amount: -500 },
      { account: available(), amount: 500 },
    ];
    const first = await postOnce(m, "dup", entries);
    const again = await postOnce(m, "dup", entries);
    expect(again.created).toBe(false);
    expect(again.transaction.id).toBe(first.transaction.id);
    expect(again.entries.map((e) => e.id)).toEqual(first.entries.map((e) => e.id));
    expect(await balances(m)).toMatchObject({ "EUR|merchant_available": 500 });
    const other = await rejection(
      postOnce(m, "dup", [
        { account: inTransit(), amount: -501 },
        { account: available(), amount: 501 },
      ]),
    );
    expect(other).toBeInstanceOf(LedgerError);
    expect((other as LedgerError).code).toBe("source_conflict");
    await expectClean(m);
  });

  it("refuses unbalanced, empty, zero and fractional postings, writing nothing", async () => {
    const m = freshMerchant();
    const bad: EntryInput[][] = [
      [
        { account: inTransit(), amount: -100 },
        { account: available(), amount: 99 },
      ],
      [
        { account: inTransit("USD"), amount: -100 },
        { account: available("EUR"), amount: 100 },
      ],
      [{ account: available(), amount: 100 }],
      [
        { account: inTransit(), amount: 0 },
        { account: available(), amount: 0 },
      ],
      [
        { account: inTransit(), amount: -1.5 },
        { account: available(), amount: 1.5 },
      ],
      [
        { account: { kind: "merchant_savings" as "fees", currency: "EUR" }, amount: -1 },
        { account: available(), amount: 1 },
      ],
    ];
    for (const entries of bad) {
      expect(await rejection(postOnce(m, `bad:${Math.random()}`, entries))).toBeInstanceOf(LedgerError);
    }
    expect(await query("select 1 from ledger_transactions where merchant_id = $1", [m])).toEqual([]);
  });

  it("refuses to take available below zero with insufficient_funds, and the transaction stays usable", async () => {
    const m = freshMerchant();
    await postOnce(m, "fund", [
      { account: inTransit(), amount: -100 },
      { account: available(), amount: 100 },
    ]);
    const outcome = await services.transaction(async (tx) => {
      const refused = await rejection(
        post(
          {
            merchantId: m,
            environment: sandbox,
            source: `${m}:too-much`,
            type: "payout",
            entries: [
              { account: available(), amount: -101 },
              { account: payouts(), amount: 101 },
            ],
            at: new Date(),
          },
          tx,
        ),
      );
      const fits = await post(
        {
          merchantId: m,
          environment: sandbox,
          source: `${m}:fits`,
          type: "payout",
          entries: [
            { account: available(), amount: -100 },
            { account: payouts(), amount: 100 },
          ],
          at: new Date(),
        },
        tx,
      );
      return { refused, fits };
    });
    expect(outcome.refused).toBeInstanceOf(ApiError);
    expect((outcome.refused as ApiError).code).toBe("insufficient_funds");
    expect((outcome.refused as ApiError).status).toBe(402);
    expect(outcome.fits.created).toBe(true);
    expect(await query("select 1 from ledger_transactions where source = $1", [`${m}:too-much`])).toEqual([]);
    expect(await balances(m)).toMatchObject({ "EUR|merchant_available": 0 });
    await expectClean(m);
  });

  it("keeps entries immutable and overdrafts impossible at the database level", async () => {
    const m = freshMerchant();
    const posted = await postOnce(m, "imm", [
      { account: inTransit(), amount: -10 },
      { account: available(), amount: 10 },
    ]);
    const entryId = posted.entries[0]?.id;
    await expect(query("update ledger_entries set amount = 0 where id = $1", [entryId])).rejects.toThrow(
      /immutable/,
    );
    await expect(query("delete from ledger_entries where id = $1", [entryId])).rejects.toThrow(/immutable/);
    await expect(
      query("update ledger_transactions set amount = 0 where id = $1", [posted.transaction.id]),
    ).rejects.toThrow(/immutable/);
    await expect(
      query(
        "update ledger_accounts set balance = -1 where merchant_id = $1 and kind = 'merchant_available'",
        [m],
      ),
    ).rejects.toThrow(/ledger_accounts_non_negative/);
  });
});

describe("ledger: invariant check", () => {
  it("reports a cached balance that drifted from its entries and an unbalanced transaction", async () => {
    const m = freshMerchant();
    await postOnce(m, "inv", [
      { account: inTransit(), amount: -10 },
      { account: available(), amount: 10 },
    ]);
    await expectClean(m);
    // Corrupt inside a transaction that is rolled back, so no other test ever sees it.
    const report = await rejection(
      services.transaction(async (tx) => {
        await tx.execute(
          `update ledger_accounts set balance = balance + 1 where merchant_id = '${m}' and kind = 'merchant_available'`,
        );
        // Triggers off for this transaction only: no DDL, so no lock that other files' postings wait behind.
        await tx.execute("set local session_replication_role = replica");
        await tx.execute(
          `update ledger_entries set amount = amount + 5 where merchant_id = '${m}' and amount = -10`,
        );
        throw await checkLedgerInvariants({ merchantId: m, environment: sandbox }, tx);
      }),
    );
    const { ok, violations } = report as Awaited<ReturnType<typeof checkLedgerInvariants>>;
    expect(ok).toBe(false);
    expect(violations.map((v) => v.kind).sort()).toEqual([
      "balance_mismatch",
      "balance_mismatch",
      "unbalanced_transaction",
    ]);
    await expectClean(m);
  });
});

describe("ledger: holds", () => {
  async function funded(amount: number): Promise<string> {
    const m = freshMerchant();
    await postOnce(m, `fund:${m}`, [
      { account: inTransit(), amount: -amount },
      { account: available(), amount },
    ]);
    return m;
  }

  function reserve(m: string, source: string, amount: number) {
    return services.transaction((tx) =>
      reserveHold(
        {
          merchantId: m,
          environment: sandbox,
          source: `${m}:${source}`,
          type: "payout",
          currency: "EUR",
          amount,
          at: new Date(),
        },
        tx,
      ),
    );
  }

  it("reserves, commits part (the rest returns to available) and releases, each once", async () => {
    const m = await funded(1000);
    const a = await reserve(m, "hold:a", 400);
    expect(a.hold).toMatchObject({ status: "held", amount: 400 });
    expect(a.hold.id).toMatch(/^hold_/);
    expect(await balances(m)).toMatchObject({ "EUR|merchant_available": 600, "EUR|merchant_reserved": 400 });
    expect((await reserve(m, "hold:a", 400)).hold.id).toBe(a.hold.id);
    expect(await balances(m)).toMatchObject({ "EUR|merchant_available": 600 });

    const committed = await services.transaction((tx) =>
      commitHold(
        {
          merchantId: m,
          environment: sandbox,
          holdId: a.hold.id,
          amount: 250,
          destination: payouts(),
          at: new Date(),
        },
        tx,
      ),
    );
    expect(committed.hold).toMatchObject({ status: "committed", committedAmount: 250 });
    expect(await balances(m)).toMatchObject({
      "EUR|merchant_available": 750,
      "EUR|merchant_reserved": 0,
      "EUR|payouts_in_transit": 250,
    });
    const twice = await rejection(
      services.transaction((tx) =>
        releaseHold({ merchantId: m, environment: sandbox, holdId: a.hold.id, at: new Date() }, tx),
      ),
    );
    expect((twice as LedgerError).code).toBe("hold_already_resolved");

    const b = await reserve(m, "hold:b", 750);
    await services.transaction((tx) =>
      releaseHold({ merchantId: m, environment: sandbox, holdId: b.hold.id, at: new Date() }, tx),
    );
    expect(await balances(m)).toMatchObject({ "EUR|merchant_available": 750, "EUR|merchant_reserved": 0 });
    const refused = await rejection(reserve(m, "hold:c", 751));
    expect((refused as ApiError).code).toBe("insufficient_funds");
    const tooBig = await rejection(
      services.transaction(async (tx) => {
        const c = await reserveHold(
          {
            merchantId: m,
            environment: sandbox,
            source: `${m}:hold:d`,
            type: "payout",
            currency: "EUR",
            amount: 10,
            at: new Date(),
          },
          tx,
        );
        return commitHold(
          {
            merchantId: m,
            environment: sandbox,
            holdId: c.hold.id,
            amount: 11,
            destination: payouts(),
            at: new Date(),
          },
          tx,
        );
      }),
    );
    expect((tooBig as LedgerError).code).toBe("invalid_posting");
    const otherMerchant = await rejection(
      services.transaction((tx) =>
        releaseHold(
          {
            merchantId: freshMerchant(),
            environment: sandbox,
            holdId: b.hold.id,
            at: new Date(),
          },
          tx,
        ),
      ),
    );
    expect((otherMerchant as LedgerError).code).toBe("hold_not_found");
    await expectClean(m);
  });
});
