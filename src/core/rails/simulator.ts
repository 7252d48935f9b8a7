import { type Rail, railBusinessDaysAfter, returnDeadlineOn } from "./rails";
import {
  achReturnCodes,
  bacsReturnCodes,
  type ReturnCode,
  railReturnCodes,
  returnCodeDescriptions,
  sepaReturnCodes,
} from "./return-codes";

/**
 * The sandbox rail simulator: what the receiving bank does with a payment, decided by magic amounts
 * (the last four digits of the amount in minor units), one code per return reason of the rail's
 * family. Pure: the caller applies the outcome on its clock.
 *
 * | last four digits | effect |
 * | --- | --- |
 * | `90nn` (ACH `Rnn`), `8xyy` (SEPA, table below), `30nn` (Bacs ARUCS, below) | rejected at settlement: the payment fails with that code |
 * | `70nn` (ACH `Rnn`), `6xyy` (SEPA), `20nn` (Bacs) | settles, then is returned one business day after arrival |
 * | `50nn` (ACH `Rnn`), `4xyy` (SEPA), `10nn` (Bacs) | settles, then is returned on the last day of the code's return window |
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

/**
 * Bacs ARUCS codes: a digit `d` is `1d`, a letter its place in the alphabet after 20 (B 22, C 23),
 * so no Bacs amount ends in `00` (round test amounts stay plain) and none meets ACH's or SEPA's thousands.
 */
const bacsMagic: Record<(typeof bacsReturnCodes)[number], number> = {
  "0": 10,
  "2": 12,
  "3": 13,
  "5": 15,
  B: 22,
  C: 23,
};

const timings = ["fail", "return", "late_return"] as const;

/** Each family's codes and the thousands its timings start at; families never share a thousand. */
const families = {
  ach: { codes: achReturnCodes, base: { fail: 9000, return: 7000, late_return: 5000 } },
  sepa: { codes: sepaReturnCodes, base: { fail: 8000, return: 6000, late_return: 4000 } },
  bacs: { codes: bacsReturnCodes, base: { fail: 3000, return: 2000, late_return: 1000 } },
} as const;
export type MagicFamily = keyof typeof families;

function familyOf(code: ReturnCode): MagicFamily {
  if ((achReturnCodes as readonly string[]).includes(code)) return "ach";
  if ((sepaReturnCodes as readonly string[]).includes(code)) return "sepa";
  return "bacs";
}

function offsetOf(code: ReturnCode, family: MagicFamily): number {
  if (family === "ach") return Number(code.slice(1));
  if (family === "sepa") return sepaMagic[code as (typeof sepaReturnCodes)[number]];
  return bacsMagic[code as (typeof bacsReturnCodes)[number]];
}

/** The amount (minor units) that injects `code`, failing at settlement or returned after it. */
export function magicAmount(code: ReturnCode, when: MagicTiming): number {
  const family = familyOf(code);
  return families[family].base[when] + offsetOf(code, family);
}

/** Every magic entry of a family, as (last four digits, code, timing); tests check none collide. */
export function magicEntries(
  family: MagicFamily,
): Array<{ digits: number; code: ReturnCode; when: MagicTiming }> {
  const codes: readonly ReturnCode[] = families[family].codes;
  return codes.flatMap((code) => timings.map((when) => ({ digits: magicAmount(code, when), code, when })));
}

/** Per family, the last four digits that inject each code. */
const byMagic = new Map<MagicFamily, Map<number, { code: ReturnCode; when: MagicTiming }>>(
  (Object.keys(families) as MagicFamily[]).map((family) => [
    family,
    new Map(magicEntries(family).map(({ digits, code, when }) => [digits, { code, when }])),
  ]),
);

export interface SimulatedOutcome {
  /** Rejected at settlement with this code, instead of arriving. */
  failure: { code: ReturnCode; message: string } | null;
  /** Arrives, then is returned with this code on `on` (a day of the rail, within its return window). */
  returned: { code: ReturnCode; message: string; on: string } | null;
}

/** The amounts' last four digits that make the simulated bank return a payment after it arrived. */
export const returningMagic: readonly number[] = [
  ...new Set(
    [...byMagic.values()].flatMap((magic) =>
      [...magic].filter(([, entry]) => entry.when !== "fail").map(([digits]) => digits),
    ),
  ),
];

/** What the simulated receiving bank does with a payment of `amount` on `rail`, arriving on `arrivalDate`. */
export function simulateOutcome(
  rail: Rail,
  payment: { amount: number; arrivalDate: string; direction: "credit" | "debit" },
): SimulatedOutcome {
  const codes = railReturnCodes(rail);
  const family = codes[0] === undefined ? undefined : familyOf(codes[0]);
  const magic = family ? byMagic.get(family)?.get(payment.amount % 10_000) : undefined;
  if (!magic) return { failure: null, returned: null };
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
