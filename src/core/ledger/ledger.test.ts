import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { pooledServices } from "../../../test/pooled-services";
import type { Services } from "../context";
import { ApiError } from "../errors";
import { randomBase62 } from "../ids";
import type { Environment } from "../tables";
import { type AccountRef, accountKey, allowsNegative } from "./accounts";
import { LedgerError } from "./errors";
import { commitHold, releaseHold, reserveHold } from "./holds";
import { checkLedgerInvariants } from "./invariants";
import { type EntryInput, post } from "./post";

let services: Services & { end(): Promise<void> };
beforeAll(() => {
  services = pooledServices(5);
});
afterAll(async () => {
  await services.end();
});

const sandbox: Environment = "sandbox";
const freshMerchant = () => `mer_ledgertest${randomBase62(16)}`;
const available = (currency = "EUR"): AccountRef => ({ kind: "merchant_available", currency });
const pending = (currency = "EUR"): AccountRef => ({ kind: "merchant_pending", currency });
const reserved = (currency = "EUR"): AccountRef => ({ kind: "merchant_reserved", currency });
const inTransit = (currency = "EUR"): AccountRef => ({ kind: "funding_in_transit", currency });
const payouts = (currency = "EUR"): AccountRef => ({ kind: "payouts_in_transit", currency });

/** Sources are unique per environment, so tests prefix theirs with their merchant. */
function postOnce(merchantId: string, source: string, entries: EntryInput[]) {
  return services.transaction((tx) =>
    post(tx, {
      merchantId,
      environment: sandbox,
      source: `${merchantId}:${source}`,
      type: "adjustment",
      entries,
      at: new Date(),
    }),
  );
}

async function balances(merchantId: string): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; currency: string; balance: string }>(
    "select kind, currency, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox'",
    [merchantId],
  );
  return Object.fromEntries(rows.map((row) => [`${row.currency}|${row.kind}`, Number(row.balance)]));
}

async function expectClean(merchantId: string): Promise<void> {
  const report = await checkLedgerInvariants(services.db, { merchantId, environment: sandbox });
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

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
        post(tx, {
          merchantId: m,
          environment: sandbox,
          source: `${m}:too-much`,
          type: "payout",
          entries: [
            { account: available(), amount: -101 },
            { account: payouts(), amount: 101 },
          ],
          at: new Date(),
        }),
      );
      const fits = await post(tx, {
        merchantId: m,
        environment: sandbox,
        source: `${m}:fits`,
        type: "payout",
        entries: [
          { account: available(), amount: -100 },
          { account: payouts(), amount: 100 },
        ],
        at: new Date(),
      });
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
        await tx.execute("alter table ledger_entries disable trigger ledger_entries_immutable");
        await tx.execute(
          `update ledger_entries set amount = amount + 5 where merchant_id = '${m}' and amount = -10`,
        );
        throw await checkLedgerInvariants(tx, { merchantId: m, environment: sandbox });
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
      reserveHold(tx, {
        merchantId: m,
        environment: sandbox,
        source: `${m}:${source}`,
        type: "payout",
        currency: "EUR",
        amount,
        at: new Date(),
      }),
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
      commitHold(tx, {
        merchantId: m,
        environment: sandbox,
        holdId: a.hold.id,
        amount: 250,
        destination: payouts(),
        at: new Date(),
      }),
    );
    expect(committed.hold).toMatchObject({ status: "committed", committedAmount: 250 });
    expect(await balances(m)).toMatchObject({
      "EUR|merchant_available": 750,
      "EUR|merchant_reserved": 0,
      "EUR|payouts_in_transit": 250,
    });
    const twice = await rejection(
      services.transaction((tx) =>
        releaseHold(tx, { merchantId: m, environment: sandbox, holdId: a.hold.id, at: new Date() }),
      ),
    );
    expect((twice as LedgerError).code).toBe("hold_already_resolved");

    const b = await reserve(m, "hold:b", 750);
    await services.transaction((tx) =>
      releaseHold(tx, { merchantId: m, environment: sandbox, holdId: b.hold.id, at: new Date() }),
    );
    expect(await balances(m)).toMatchObject({ "EUR|merchant_available": 750, "EUR|merchant_reserved": 0 });
    const refused = await rejection(reserve(m, "hold:c", 751));
    expect((refused as ApiError).code).toBe("insufficient_funds");
    const tooBig = await rejection(
      services.transaction(async (tx) => {
        const c = await reserveHold(tx, {
          merchantId: m,
          environment: sandbox,
          source: `${m}:hold:d`,
          type: "payout",
          currency: "EUR",
          amount: 10,
          at: new Date(),
        });
        return commitHold(tx, {
          merchantId: m,
          environment: sandbox,
          holdId: c.hold.id,
          amount: 11,
          destination: payouts(),
          at: new Date(),
        });
      }),
    );
    expect((tooBig as LedgerError).code).toBe("invalid_posting");
    const otherMerchant = await rejection(
      services.transaction((tx) =>
        releaseHold(tx, {
          merchantId: freshMerchant(),
          environment: sandbox,
          holdId: b.hold.id,
          at: new Date(),
        }),
      ),
    );
    expect((otherMerchant as LedgerError).code).toBe("hold_not_found");
    await expectClean(m);
  });
});

/** A model of the ledger in plain integers: what the database must agree with after any sequence. */
type Op =
  | { op: "credit"; currency: string; amount: number }
  | { op: "debit"; currency: string; amount: number }
  | { op: "to_pending"; currency: string; amount: number }
  | { op: "settle_pending"; currency: string; amount: number }
  | { op: "multi"; currency: string; amounts: number[] }
  | { op: "reserve"; currency: string; amount: number }
  | { op: "commit"; index: number; part: number }
  | { op: "release"; index: number }
  | { op: "replay"; index: number };

const currencyArb = fc.constantFrom("EUR", "USD", "JPY");
const amountArb = fc.integer({ min: 1, max: 5_000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("credit" as const), currency: currencyArb, amount: amountArb }),
  fc.record({ op: fc.constant("debit" as const), currency: currencyArb, amount: amountArb }),
  fc.record({ op: fc.constant("to_pending" as const), currency: currencyArb, amount: amountArb }),
  fc.record({ op: fc.constant("settle_pending" as const), currency: currencyArb, amount: amountArb }),
  fc.record({
    op: fc.constant("multi" as const),
    currency: currencyArb,
    amounts: fc.array(
      fc.integer({ min: -3_000, max: 3_000 }).filter((n) => n !== 0),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
  }),
  fc.record({ op: fc.constant("reserve" as const), currency: currencyArb, amount: amountArb }),
  fc.record({
    op: fc.constant("commit" as const),
    index: fc.nat(),
    part: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
  fc.record({ op: fc.constant("release" as const), index: fc.nat() }),
  fc.record({ op: fc.constant("replay" as const), index: fc.nat() }),
);

const multiKinds: AccountRef["kind"][] = [
  "merchant_available",
  "merchant_pending",
  "merchant_reserved",
  "fees",
  "fx",
  "provider_clearing:simbank",
];

describe("ledger: property tests", () => {
  it("random sequences of postings and holds keep every invariant and match a model", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
        const m = freshMerchant();
        const model = new Map<string, number>();
        const posted: Array<{ source: string; entries: EntryInput[] }> = [];
        const openHolds: Array<{ id: string; currency: string; amount: number } | null> = [];
        const apply = (entries: EntryInput[]): boolean => {
          const next = new Map(model);
          for (const { account, amount } of entries) {
            next.set(accountKey(account), (next.get(accountKey(account)) ?? 0) + amount);
          }
          for (const { account } of entries) {
            if (!allowsNegative(account.kind) && (next.get(accountKey(account)) ?? 0) < 0) return false;
          }
          for (const [key, value] of next) model.set(key, value);
          return true;
        };
        const attempt = async (expectOk: boolean, run: () => Promise<unknown>) => {
          if (expectOk) return run();
          const error = await rejection(run());
          expect((error as ApiError).code).toBe("insufficient_funds");
          return undefined;
        };

        for (const [i, op] of ops.entries()) {
          const source = `prop:${i}`;
          const holdSource = `${m}:${source}`;
          if (op.op === "commit" || op.op === "release") {
            const open = openHolds.filter((h) => h !== null);
            const hold = open[op.index % Math.max(1, open.length)];
            if (!hold) continue;
            const amount = op.op === "commit" ? Math.max(1, Math.floor(hold.amount * op.part)) : 0;
            const entries: EntryInput[] =
              op.op === "commit"
                ? [
                    { account: reserved(hold.currency), amount: -hold.amount },
                    { account: payouts(hold.currency), amount },
                    ...(hold.amount - amount > 0
                      ? [{ account: available(hold.currency), amount: hold.amount - amount }]
                      : []),
                  ]
                : [
                    { account: reserved(hold.currency), amount: -hold.amount },
                    { account: available(hold.currency), amount: hold.amount },
                  ];
            expect(apply(entries)).toBe(true);
            await services.transaction((tx) =>
              op.op === "commit"
                ? commitHold(tx, {
                    merchantId: m,
                    environment: sandbox,
                    holdId: hold.id,
                    amount,
                    destination: payouts(hold.currency),
                    at: new Date(),
                  })
                : releaseHold(tx, { merchantId: m, environment: sandbox, holdId: hold.id, at: new Date() }),
            );
            openHolds[openHolds.indexOf(hold)] = null;
            continue;
          }
          if (op.op === "reserve") {
            const ok = apply([
              { account: available(op.currency), amount: -op.amount },
              { account: reserved(op.currency), amount: op.amount },
            ]);
            const result = await attempt(ok, () =>
              services.transaction((tx) =>
                reserveHold(tx, {
                  merchantId: m,
                  environment: sandbox,
                  source: holdSource,
                  type: "payout",
                  currency: op.currency,
                  amount: op.amount,
                  at: new Date(),
                }),
              ),
            );
            if (result) {
              const { hold } = result as Awaited<ReturnType<typeof reserveHold>>;
              openHolds.push({ id: hold.id, currency: op.currency, amount: op.amount });
            }
            continue;
          }
          if (op.op === "replay") {
            const previous = posted[op.index % Math.max(1, posted.length)];
            if (!previous) continue;
            const again = await postOnce(m, previous.source, previous.entries);
            expect(again.created).toBe(false);
            continue;
          }
          const c = op.currency;
          let entries: EntryInput[];
          if (op.op === "credit") {
            entries = [
              { account: inTransit(c), amount: -op.amount },
              { account: available(c), amount: op.amount },
            ];
          } else if (op.op === "debit") {
            entries = [
              { account: available(c), amount: -op.amount },
              { account: payouts(c), amount: op.amount },
            ];
          } else if (op.op === "to_pending") {
            entries = [
              { account: inTransit(c), amount: -op.amount },
              { account: pending(c), amount: op.amount },
            ];
          } else if (op.op === "settle_pending") {
            entries = [
              { account: pending(c), amount: -op.amount },
              { account: available(c), amount: op.amount },
            ];
          } else {
            entries = op.amounts.map((amount, k) => ({
              account: { kind: multiKinds[k % multiKinds.length] ?? "fees", currency: c },
              amount,
            }));
            const rest = -op.amounts.reduce((sum, n) => sum + n, 0);
            if (rest !== 0) entries.push({ account: { kind: "fx", currency: c }, amount: rest });
            if (entries.length < 2) continue;
          }
          const ok = apply(entries);
          const result = await attempt(ok, () => postOnce(m, source, entries));
          if (result) posted.push({ source, entries });
        }

        const actual = await balances(m);
        for (const [key, value] of model) expect(actual[key] ?? 0).toBe(value);
        for (const [key, value] of Object.entries(actual)) expect(model.get(key) ?? 0).toBe(value);
        await expectClean(m);
      }),
      { numRuns: 25 },
    );
  });

  it("refuses every posting whose entries do not sum to zero per currency, writing nothing", async () => {
    const m = freshMerchant();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            kind: fc.constantFrom(...multiKinds),
            currency: fc.constantFrom("EUR", "USD"),
            amount: fc.integer({ min: -10_000, max: 10_000 }).filter((n) => n !== 0),
          }),
          { minLength: 2, maxLength: 6 },
        ),
        async (raw) => {
          const sums = new Map<string, number>();
          for (const e of raw) sums.set(e.currency, (sums.get(e.currency) ?? 0) + e.amount);
          fc.pre([...sums.values()].some((sum) => sum !== 0));
          const entries = raw.map((e) => ({
            account: { kind: e.kind, currency: e.currency },
            amount: e.amount,
          }));
          const error = await rejection(postOnce(m, `unbalanced:${randomBase62(8)}`, entries));
          expect((error as LedgerError).code).toBe("unbalanced");
        },
      ),
      { numRuns: 30 },
    );
    expect(await query("select 1 from ledger_transactions where merchant_id = $1", [m])).toEqual([]);
    expect(await query("select 1 from ledger_accounts where merchant_id = $1 and balance <> 0", [m])).toEqual(
      [],
    );
  });
});
