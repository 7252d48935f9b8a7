import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  coveredLines,
  invoiceTotals,
  type LineInput,
  preciseString,
  roundHalfUp,
  type TaxTerms,
} from "./totals";

const vat: TaxTerms = { id: "txr_vat", percentageMicros: 190_000, inclusive: false };
const state: TaxTerms = { id: "txr_state", percentageMicros: 82_500, inclusive: false };
const included: TaxTerms = { id: "txr_incl", percentageMicros: 200_000, inclusive: true };

describe("invoiceTotals: table", () => {
  it("rounds tax once per rate over the unrounded line amounts, half up", () => {
    // Three lines of 5 at 8.25 %: 0.4125 each. Rounded per line that is 0 + 0 + 0; once per invoice 1.2375 → 1.
    const lines = [5, 5, 5].map((amount) => ({ amount, discountable: true, taxRates: [state] }));
    const totals = invoiceTotals(lines, 0);
    expect(totals.taxes).toEqual([
      {
        taxRate: "txr_state",
        inclusive: false,
        amount: 1,
        amountPrecise: "1.237500000000",
        taxableAmountPrecise: "15.000000000000",
      },
    ]);
    expect(totals.total).toBe(16);
  });

  it("half up at exactly one half", () => {
    // 10 at 5 % is 0.5 → 1.
    const totals = invoiceTotals(
      [{ amount: 10, discountable: true, taxRates: [{ ...vat, percentageMicros: 50_000 }] }],
      0,
    );
    expect(totals.taxes[0]?.amount).toBe(1);
  });

  it("taxes the discounted amount, sharing the discount over discountable lines only", () => {
    const lines: LineInput[] = [
      { amount: 1000, discountable: true, taxRates: [vat] },
      { amount: 3000, discountable: true, taxRates: [vat] },
      { amount: 500, discountable: false, taxRates: [vat] },
    ];
    const totals = invoiceTotals(lines, 400);
    expect(totals.lines.map((line) => line.discountPrecise)).toEqual([
      "100.000000000000",
      "300.000000000000",
      "0.000000000000",
    ]);
    // (4500 − 400) × 19 % = 779.
    expect(totals.taxes[0]?.amount).toBe(779);
    expect(totals.total).toBe(4500 - 400 + 779);
  });

  it("carves inclusive tax out of the line and does not add it", () => {
    const totals = invoiceTotals([{ amount: 1200, discountable: true, taxRates: [included] }], 0);
    expect(totals.taxes[0]).toMatchObject({ amount: 200, inclusive: true });
    expect(totals.total).toBe(1200);
    expect(totals.totalExcludingTax).toBe(1000);
  });

  it("takes several rates on one line, each on the same base", () => {
    const totals = invoiceTotals([{ amount: 1000, discountable: true, taxRates: [vat, state] }], 0);
    expect(totals.taxes.map((tax) => tax.amount)).toEqual([190, 83]);
    expect(totals.total).toBe(1273);
  });

  it("refuses a discount above the discountable subtotal", () => {
    expect(() => invoiceTotals([{ amount: 100, discountable: false, taxRates: [] }], 1)).toThrow(RangeError);
  });
});

const rate = fc.record({
  id: fc.constantFrom("txr_a", "txr_b", "txr_c"),
  percentageMicros: fc.integer({ min: 0, max: 1_000_000 }),
  inclusive: fc.boolean(),
});

const line = fc.record({
  amount: fc.integer({ min: 1, max: 10_000_000_000 }),
  discountable: fc.boolean(),
  taxRates: fc.uniqueArray(rate, { maxLength: 3, selector: (r) => r.id }).map((rates) => {
    // One line is all inclusive or all exclusive (invoice items refuse a mix).
    const inclusive = rates[0]?.inclusive ?? false;
    return rates.map((r) => ({ ...r, inclusive }));
  }),
});

/** One id means one rate: the generated rates of an id are made the same across lines. */
function consistent(lines: LineInput[]): LineInput[] {
  const seen = new Map<string, TaxTerms>();
  return lines.map((l) => ({
    ...l,
    taxRates: l.taxRates.map((r) => {
      const first = seen.get(r.id) ?? r;
      seen.set(r.id, first);
      return first;
    }),
  }));
}

const invoice = fc
  .array(line, { minLength: 1, maxLength: 8 })
  .map(consistent)
  .chain((lines) => {
    const discountable = lines.reduce((sum, l) => sum + (l.discountable ? l.amount : 0), 0);
    return fc.tuple(fc.constant(lines), fc.integer({ min: 0, max: discountable }));
  });

describe("invoiceTotals: properties", () => {
  it("the lines, less the discount, plus the exclusive taxes, sum to the total", () => {
    fc.assert(
      fc.property(invoice, ([lines, discount]) => {
        const totals = invoiceTotals(lines, discount);
        const exclusive = totals.taxes.filter((t) => !t.inclusive).reduce((sum, t) => sum + t.amount, 0);
        expect(totals.subtotal).toBe(lines.reduce((sum, l) => sum + l.amount, 0));
        expect(totals.total).toBe(totals.subtotal - totals.discount + exclusive);
      }),
    );
  });

  it("never discounts below zero, and every tax and total is non-negative", () => {
    fc.assert(
      fc.property(invoice, ([lines, discount]) => {
        const totals = invoiceTotals(lines, discount);
        expect(totals.subtotal - totals.discount).toBeGreaterThanOrEqual(0);
        for (const tax of totals.taxes) expect(tax.amount).toBeGreaterThanOrEqual(0);
        expect(totals.total).toBeGreaterThanOrEqual(0);
        for (const l of totals.lines) expect(l.discountPrecise.startsWith("-")).toBe(false);
      }),
    );
  });

  it("each rate's tax is the sum of the lines' exact taxes, rounded once half up", () => {
    fc.assert(
      fc.property(invoice, ([lines, discount]) => {
        const totals = invoiceTotals(lines, discount);
        const discountable = lines.reduce((sum, l) => sum + (l.discountable ? l.amount : 0), 0);
        for (const tax of totals.taxes) {
          // Independently: one common denominator for every line of the rate.
          let n = 0n;
          let d = 1n;
          lines.forEach((l) => {
            const r = l.taxRates.find((candidate) => candidate.id === tax.taxRate);
            if (!r) return;
            const share = l.discountable && discountable > 0 ? BigInt(discountable) : 1n;
            const baseN =
              BigInt(l.amount) * share -
              (l.discountable && discountable > 0 ? BigInt(discount) * BigInt(l.amount) : 0n);
            const inclusiveSum = l.taxRates
              .filter((x) => x.inclusive)
              .reduce((s, x) => s + BigInt(x.percentageMicros), 0n);
            const lineD = share * (r.inclusive ? 1_000_000n + inclusiveSum : 1_000_000n);
            const lineN = baseN * BigInt(r.percentageMicros);
            n = n * lineD + lineN * d;
            d *= lineD;
          });
          expect(tax.amount).toBe(roundHalfUp({ n, d }));
          expect(tax.amountPrecise).toBe(preciseString({ n, d }));
        }
      }),
    );
  });

  it("inclusive taxes never exceed what the lines carry", () => {
    fc.assert(
      fc.property(invoice, ([lines, discount]) => {
        const totals = invoiceTotals(lines, discount);
        const inclusive = totals.taxes.filter((t) => t.inclusive).reduce((sum, t) => sum + t.amount, 0);
        // Each rate rounds by at most one half, so the carved-out sum stays within the discounted subtotal.
        expect(inclusive).toBeLessThanOrEqual(totals.subtotal - totals.discount + totals.taxes.length);
        expect(totals.totalExcludingTax).toBe(totals.subtotal - totals.discount - inclusive);
      }),
    );
  });
});

describe("coveredLines: credits only as far as the charges cover them", () => {
  const line = (amount: number, discountable = amount > 0) => ({ amount, discountable });
  it("keeps every charge and the credits, in order, that fit; the rest stay out", () => {
    const lines = [line(-300), line(1000), line(-800), line(-200)];
    expect(coveredLines(lines, () => 0).map((kept) => kept.amount)).toEqual([-300, 1000, -200]);
  });

  it("leaves room for the discount, so the subtotal always covers it", () => {
    const lines = [line(1000), line(-900)];
    const half = (discountable: number) => Math.round(discountable / 2);
    const kept = coveredLines(lines, half);
    expect(kept.map((entry) => entry.amount)).toEqual([1000]);
    expect(coveredLines([line(1000), line(-500)], half).map((entry) => entry.amount)).toEqual([1000, -500]);
  });

  it("property: the kept lines' sum covers the discount on their charges", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -10_000, max: 10_000 }).filter((amount) => amount !== 0)),
        fc.integer({ min: 0, max: 100 }),
        (amounts, percent) => {
          const discountOf = (discountable: number) => Math.floor((discountable * percent) / 100);
          const kept = coveredLines(
            amounts.map((amount) => line(amount)),
            discountOf,
          );
          const subtotal = kept.reduce((sum, entry) => sum + entry.amount, 0);
          const discountable = kept.reduce((sum, entry) => sum + (entry.discountable ? entry.amount : 0), 0);
          expect(subtotal - discountOf(discountable)).toBeGreaterThanOrEqual(0);
          expect(kept.filter((entry) => entry.amount > 0)).toHaveLength(amounts.filter((a) => a > 0).length);
        },
      ),
    );
  });
});
