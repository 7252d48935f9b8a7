import fc from "fast-check";
import { isValidIBAN } from "ibantools";
import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import {
  bankCountryCodes,
  generateBankDetails,
  generateIban,
  isValidAbaRouting,
  isValidClabe,
  isValidUkAccount,
  parseBankDetails,
  type RandomInt,
  sandboxIbanBanks,
} from "./index";

/** mulberry32: a seeded source, so a failing property shrinks to a reproducible seed. */
function seeded(seed: number): RandomInt {
  let state = seed >>> 0;
  return (bound) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % bound) as number;
  };
}

const seeds = fc.integer({ min: 0, max: 0xffff_ffff });

/** Every position of `text` holding a digit, from `from` on. */
function digitPositions(text: string, from = 0): number[] {
  return [...text].flatMap((char, i) => (i >= from && /\d/.test(char) ? [i] : []));
}

function replaceAt(text: string, index: number, char: string): string {
  return text.slice(0, index) + char + text.slice(index + 1);
}

function swapAt(text: string, index: number): string {
  return text.slice(0, index) + (text[index + 1] ?? "") + (text[index] ?? "") + text.slice(index + 2);
}

/** A single-digit change at a chosen digit position, to a different digit. */
function mutations(text: string, from = 0) {
  const positions = digitPositions(text, from);
  return fc
    .record({ at: fc.constantFrom(...positions), shift: fc.integer({ min: 1, max: 9 }) })
    .map(({ at, shift }) => replaceAt(text, at, String((Number(text[at]) + shift) % 10)));
}

/** Adjacent transpositions of two different digits, optionally only where `allowed(a, b)`. */
function transpositions(text: string, allowed: (a: number, b: number) => boolean = () => true): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < text.length; i++) {
    const [a, b] = [text[i] ?? "", text[i + 1] ?? ""];
    if (/\d/.test(a) && /\d/.test(b) && a !== b && allowed(Number(a), Number(b))) out.push(swapAt(text, i));
  }
  return out;
}

function detailsError(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
}

describe("IBAN (ISO 7064 mod 97 + national checks, through ibantools)", () => {
  it("generates valid IBANs in every sandbox IBAN country (more than 25)", () => {
    expect(Object.keys(sandboxIbanBanks).length).toBeGreaterThanOrEqual(25);
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(sandboxIbanBanks)), seeds, (country, seed) => {
        const { iban, bic } = generateIban(country, seeded(seed));
        expect(isValidIBAN(iban)).toBe(true);
        expect(iban.slice(0, 2)).toBe(country);
        expect(parseBankDetails(country, { iban, bic }).iban).toBe(iban);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses any single-digit change and any adjacent transposition of two digits", () => {
    // Mod 97 catches both: a change is d·10^k and a swap (a−b)·9·10^k, never 0 mod the prime 97.
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(sandboxIbanBanks)), seeds, (country, seed) => {
        const { iban } = generateIban(country, seeded(seed));
        fc.assert(
          fc.property(mutations(iban, 2), (changed) => !isValidIBAN(changed)),
          { numRuns: 20 },
        );
        for (const swapped of transpositions(iban.slice(2)))
          expect(isValidIBAN(iban.slice(0, 2) + swapped)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it("names what failed: length, check digits, national check, country", () => {
    expect(
      detailsError(() => parseBankDetails("DE", { iban: "DE89 3704 0044 0532 0130 00" })),
    ).toBeUndefined();
    expect(detailsError(() => parseBankDetails("DE", { iban: "DE8937040044053201300" }))).toBe(
      "iban_invalid",
    );
    expect(detailsError(() => parseBankDetails("DE", { iban: "DE88370400440532013000" }))).toBe(
      "iban_invalid",
    );
    expect(detailsError(() => parseBankDetails("FR", { iban: "DE89370400440532013000" }))).toBe(
      "iban_invalid",
    );
    // Belgian BBAN check (last two digits = first ten mod 97) with the IBAN check digits recomputed.
    expect(detailsError(() => parseBankDetails("BE", { iban: "BE71096123456769" }))).toBeUndefined();
    expect(detailsError(() => parseBankDetails("BE", { iban: "BE23096123456768" }))).toBe("iban_invalid");
    expect(
      detailsError(() => parseBankDetails("DE", { iban: "DE89370400440532013000", bic: "NOTABIC" })),
    ).toBe("bic_invalid");
    expect(
      detailsError(() => parseBankDetails("DE", { iban: "DE89370400440532013000", routing_number: "1" })),
    ).toBe("parameter_invalid");
    expect(detailsError(() => parseBankDetails("ZZ", { iban: "DE89370400440532013000" }))).toBe(
      "bank_account_country_unsupported",
    );
  });
});

describe("ABA routing numbers (3-7-1 mod 10)", () => {
  const routings = seeds.map((seed) => generateBankDetails("US", seeded(seed)).routing.routing_number ?? "");
  const anyRouting = fc
    .stringMatching(/^\d{8}$/)
    .map((first8) => [...Array(10).keys()].map((d) => `${first8}${d}`).find(isValidAbaRouting) ?? "");

  it("accepts published routing numbers and generated ones; refuses any single-digit change", () => {
    for (const routing of ["011000015", "021000021", "121000358", "110000000"])
      expect(isValidAbaRouting(routing)).toBe(true);
    fc.assert(fc.property(routings, (routing) => isValidAbaRouting(routing)));
    // Weights 3, 7 and 1 are all prime to 10: a changed digit always changes the sum mod 10.
    fc.assert(
      fc.property(
        anyRouting.chain((routing) => mutations(routing)),
        (changed) => !isValidAbaRouting(changed),
      ),
    );
  });

  it("refuses adjacent transpositions except of digits five apart, which 3-7-1 cannot see", () => {
    // Swapping a and b shifts the sum by (a−b)(w₁−w₂); every weight difference is even, so |a−b| = 5 hides.
    fc.assert(
      fc.property(anyRouting, (routing) => {
        for (const swapped of transpositions(routing, (a, b) => Math.abs(a - b) !== 5))
          expect(isValidAbaRouting(swapped)).toBe(false);
        for (const swapped of transpositions(routing, (a, b) => Math.abs(a - b) === 5))
          expect(isValidAbaRouting(swapped)).toBe(true);
      }),
    );
  });
});

describe("Mexican CLABE (3-7-1 check digit)", () => {
  const clabes = seeds.map((seed) => generateBankDetails("MX", seeded(seed)).accountNumber);

  it("generates valid CLABEs and refuses any single-digit change", () => {
    expect(isValidClabe("002010077777777771")).toBe(true);
    expect(isValidClabe("002010077777777772")).toBe(false);
    fc.assert(
      fc.property(
        clabes,
        (clabe) => isValidClabe(clabe) && parseBankDetails("MX", { clabe }).accountNumber === clabe,
      ),
    );
    fc.assert(
      fc.property(
        clabes.chain((clabe) => mutations(clabe)),
        (changed) => !isValidClabe(changed),
      ),
    );
  });

  it("refuses adjacent transpositions except of digits five apart (same weights as ABA)", () => {
    fc.assert(
      fc.property(clabes, (clabe) => {
        for (const swapped of transpositions(clabe, (a, b) => Math.abs(a - b) !== 5))
          expect(isValidClabe(swapped)).toBe(false);
      }),
    );
  });
});

describe("UK sort code + account (VocaLink modulus checks)", () => {
  it("passes VocaLink's published test cases", () => {
    // From VocaLink's "Validating account numbers" (v6.40) worked examples.
    const valid: Array<[string, string]> = [
      ["089999", "66374958"],
      ["107999", "88837491"],
      ["202959", "63748472"],
      ["871427", "46238510"],
      ["872427", "46238510"],
      ["871427", "09123496"],
      ["871427", "99123496"],
      ["820000", "73688637"],
      ["827999", "73988638"],
      ["827101", "28748352"],
      ["134020", "63849203"],
      ["118765", "64371389"],
      ["200915", "41011166"],
      ["938611", "07806039"],
      ["938600", "42368003"],
      ["938063", "55065200"],
      ["772798", "99345694"],
      ["086090", "06774744"],
      ["309070", "02355688"],
      ["309070", "12345668"],
      ["309070", "12345677"],
      ["309070", "99345694"],
      ["070116", "34012583"],
      ["074456", "12345112"],
      ["074456", "11104102"],
      ["180002", "00000190"],
    ];
    const invalid: Array<[string, string]> = [
      ["089999", "66374959"],
      ["107999", "88837493"],
      ["203099", "66831036"],
      ["203099", "58716970"],
      ["118765", "64371388"],
      ["938063", "15764273"],
      ["938063", "15764264"],
      ["938063", "15763217"],
    ];
    for (const [sortCode, account] of valid)
      expect(isValidUkAccount(sortCode, account), `${sortCode} ${account}`).toBe(true);
    for (const [sortCode, account] of invalid)
      expect(isValidUkAccount(sortCode, account), `${sortCode} ${account}`).toBe(false);
  });

  it("generates accounts that pass, and any single-digit change or adjacent transposition fails", () => {
    // The sandbox sort code is in a MOD11 range weighted 8 7 6 5 4 3 2 1 over the account: every
    // change d·w and swap (a−b)(wᵢ−wᵢ₊₁) = (a−b) is non-zero mod the prime 11.
    const accounts = seeds.map((seed) => generateBankDetails("GB", seeded(seed)));
    fc.assert(
      fc.property(accounts, (details) => {
        const sortCode = details.routing.sort_code ?? "";
        expect(isValidUkAccount(sortCode, details.accountNumber)).toBe(true);
        expect(isValidIBAN(details.iban ?? "")).toBe(true);
        for (const swapped of transpositions(details.accountNumber))
          expect(isValidUkAccount(sortCode, swapped)).toBe(false);
        fc.assert(
          fc.property(mutations(details.accountNumber), (changed) => !isValidUkAccount(sortCode, changed)),
          {
            numRuns: 10,
          },
        );
      }),
      { numRuns: 50 },
    );
  });

  it("checks the sort code and account inside a GB IBAN too", () => {
    const gb = generateBankDetails("GB", seeded(7));
    expect(parseBankDetails("GB", { iban: gb.iban }).accountNumber).toBe(gb.accountNumber);
    expect(
      detailsError(() => parseBankDetails("GB", { sort_code: "10-00-10", account_number: "00000001" })),
    ).toBe("bank_account_number_invalid");
  });
});

describe("local formats of the Global Accounts countries", () => {
  it("generates details that validate in every supported country (at least 30)", () => {
    expect(bankCountryCodes.length).toBeGreaterThanOrEqual(30);
    fc.assert(
      fc.property(fc.constantFrom(...bankCountryCodes), seeds, (country, seed) => {
        const details = generateBankDetails(country, seeded(seed));
        const input =
          details.scheme === "iban"
            ? { iban: details.iban, bic: details.bic }
            : details.scheme === "mx_clabe"
              ? { clabe: details.accountNumber }
              : { ...details.routing, account_number: details.accountNumber };
        expect(parseBankDetails(country, input).accountNumber).toBe(details.accountNumber);
      }),
      { numRuns: 400 },
    );
  });

  it("refuses malformed local fields with the field named", () => {
    expect(
      detailsError(() =>
        parseBankDetails("US", { routing_number: "110000001", account_number: "000123456789" }),
      ),
    ).toBe("routing_number_invalid");
    expect(detailsError(() => parseBankDetails("US", { routing_number: "110000000" }))).toBe(
      "parameter_missing",
    );
    expect(
      detailsError(() =>
        parseBankDetails("CA", {
          institution_number: "12",
          transit_number: "12345",
          account_number: "1234567",
        }),
      ),
    ).toBe("routing_number_invalid");
    expect(detailsError(() => parseBankDetails("AU", { bsb: "062-000", account_number: "12" }))).toBe(
      "bank_account_number_invalid",
    );
    expect(
      detailsError(() => parseBankDetails("IN", { ifsc: "HDFC1000001", account_number: "123456789" })),
    ).toBe("routing_number_invalid");
    expect(
      detailsError(() =>
        parseBankDetails("JP", { bank_code: "0001", branch_code: "001", account_number: "1234567" }),
      ),
    ).toBeUndefined();
  });
});
