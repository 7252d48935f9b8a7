import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import type { ApiError } from "../errors";
import { randomBase62 } from "../ids";
import { type AccountRef, accountKey, allowsNegative } from "./accounts";
import type { LedgerError } from "./errors";
import { commitHold, releaseHold, reserveHold } from "./holds";
import {
  available,
  balances,
  expectClean,
  freshMerchant,
  inTransit,
  payouts,
  pending,
  postOnce,
  rejection,
  reserved,
  sandbox,
  services,
} from "./ledger-testing";
import type { EntryInput } from "./post";

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
                ? commitHold(
                    {
                      merchantId: m,
                      environment: sandbox,
                      holdId: hold.id,
                      amount,
                      destination: payouts(hold.currency),
                      at: new Date(),
                    },
                    tx,
                  )
                : releaseHold({ merchantId: m, environment: sandbox, holdId: hold.id, at: new Date() }, tx),
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
                reserveHold(
                  {
                    merchantId: m,
                    environment: sandbox,
                    source: holdSource,
                    type: "payout",
                    currency: op.currency,
                    amount: op.amount,
                    at: new Date(),
                  },
                  tx,
                ),
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
