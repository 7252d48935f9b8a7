import {
  achReturnCodes,
  type Rail,
  type ReturnCode,
  railBusinessDaysAfter,
  railReturnCodes,
  returnCodeDescriptions,
  returnDeadlineOn,
  sepaReturnCodes,
} from "./rails";

/**
 * The sandbox rail simulator: what the receiving bank does with a payment, decided by magic amounts
 * (the last four digits of the amount in minor units), one code per return reason of the rail's
 * family. Pure: the caller applies the outcome on its clock.
 *
 * | last four digits | effect |
 * | --- | --- |
 * | `90nn` (ACH `Rnn`), `8xyy` (SEPA, table below) | rejected at settlement: the payment fails with that code |
 * | `70nn` (ACH `Rnn`), `6xyy` (SEPA) | settles, then is returned one business day after arrival |
 * | `50nn` (ACH `Rnn`), `4xyy` (SEPA) | settles, then is returned on the last day of the code's return window |
 *
 * The code's window is the rail's, except on ACH debits for the unauthorized reasons (R05, R07, R10,
 * R11, R51): 60 calendar days after arrival.
 */
const sepaMagic: Record<(typeof sepaReturnCodes)[number], number> = {
  AC01: 101,
  AC04: 104,
  AC06: 106,
  AG01: 201,
  AM04: 304,
  AM05: 305,
  MD06: 406,
  MD07: 407,
  MS02: 502,
  MS03: 503,
};

/**
 * When the simulated bank injects a code: `fail` at settlement, `return` one business day after
 * arrival, `late_return` on the last day of the return window (after a debit's funds became available).
 */
export type MagicTiming = "fail" | "return" | "late_return";

const achBase: Record<MagicTiming, number> = { fail: 9000, return: 7000, late_return: 5000 };
const sepaBase: Record<MagicTiming, number> = { fail: 8000, return: 6000, late_return: 4000 };

/** The amount (minor units) that injects `code`, failing at settlement or returned after it. */
export function magicAmount(code: ReturnCode, when: MagicTiming): number {
  if ((achReturnCodes as readonly string[]).includes(code)) return achBase[when] + Number(code.slice(1));
  return sepaBase[when] + sepaMagic[code as (typeof sepaReturnCodes)[number]];
}

const byMagic = new Map<number, { code: ReturnCode; when: MagicTiming }>(
  [...achReturnCodes, ...sepaReturnCodes].flatMap((code) =>
    (["fail", "return", "late_return"] as const).map(
      (when) => [magicAmount(code, when), { code, when }] as const,
    ),
  ),
);

export interface SimulatedOutcome {
  /** Rejected at settlement with this code, instead of arriving. */
  failure: { code: ReturnCode; message: string } | null;
  /** Arrives, then is returned with this code on `on` (a day of the rail, within its return window). */
  returned: { code: ReturnCode; message: string; on: string } | null;
}

/** The amounts' last four digits that make the simulated bank return a payment after it arrived. */
export const returningMagic: readonly number[] = [...byMagic]
  .filter(([, magic]) => magic.when !== "fail")
  .map(([digits]) => digits);

/** What the simulated receiving bank does with a payment of `amount` on `rail`, arriving on `arrivalDate`. */
export function simulateOutcome(
  rail: Rail,
  payment: { amount: number; arrivalDate: string; direction: "credit" | "debit" },
): SimulatedOutcome {
  const magic = byMagic.get(payment.amount % 10_000);
  if (!magic || !railReturnCodes(rail).includes(magic.code)) return { failure: null, returned: null };
  const reason = { code: magic.code, message: returnCodeDescriptions[magic.code] };
  if (magic.when === "fail") return { failure: reason, returned: null };
  // Rails without a return window (instant schemes, wires) are final once paid.
  if (rail.returnWindowDays === 0) return { failure: null, returned: null };
  const on =
    magic.when === "return"
      ? railBusinessDaysAfter(rail, payment.arrivalDate, 1)
      : returnDeadlineOn(rail, payment, magic.code);
  return { failure: null, returned: { ...reason, on } };
}
