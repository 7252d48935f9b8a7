import { composeIBAN, countrySpecs, isValidBBAN } from "ibantools";
import { abaCheckDigit, clabeCheckDigit, isValidUkAccount } from "./checksums";
import { bankCountries } from "./countries";
import type { BankDetails } from "./details";

/** Chooses uniformly below `bound`; tests pass a seeded source to make generation reproducible. */
export type RandomInt = (bound: number) => number;

export const cryptoRandomInt: RandomInt = (bound) => {
  const limit = Math.floor(0x1_0000_0000 / bound) * bound;
  const buffer = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    const value = buffer[0] ?? 0;
    if (value < limit) return value % bound;
  }
};

const DIGITS = "0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function randomDigits(random: RandomInt, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += DIGITS[random(10)];
  return out;
}

/** Random text matching a BBAN pattern of ibantools' specs: `[0-9]{n}`, `[A-Z]{n}` and `[A-Z0-9]{n}` groups. */
function fromBbanPattern(pattern: string, random: RandomInt): string {
  let out = "";
  for (const [, chars, count] of pattern.matchAll(/\[([^\]]+)\]\{(\d+)\}/g)) {
    // Alphanumeric groups get digits: valid, and easier to read out over the phone.
    const alphabet = chars?.includes("0-9") ? DIGITS : LETTERS;
    for (let i = 0; i < Number(count); i++) out += alphabet[random(alphabet.length)];
  }
  return out;
}

/**
 * The simulated bank of each IBAN country: a BIC and a bank code. The code sits where the
 * country's BBAN puts its bank identifier (ibantools' specs), in the country's format.
 */
export const sandboxIbanBanks: Readonly<Record<string, { bankCode: string; bic: string }>> = {
  AT: { bankCode: "19043", bic: "MGNSATW1" },
  BE: { bankCode: "539", bic: "MGNSBEBB" },
  BG: { bankCode: "MGNS", bic: "MGNSBGSF" },
  CH: { bankCode: "08390", bic: "MGNSCHZZ" },
  CY: { bankCode: "002", bic: "MGNSCY2N" },
  CZ: { bankCode: "0800", bic: "MGNSCZPP" },
  DE: { bankCode: "10010010", bic: "MGNSDEFF" },
  DK: { bankCode: "5301", bic: "MGNSDKKK" },
  EE: { bankCode: "22", bic: "MGNSEE2X" },
  ES: { bankCode: "2100", bic: "MGNSESMM" },
  FI: { bankCode: "123", bic: "MGNSFIHH" },
  FR: { bankCode: "20041", bic: "MGNSFRPP" },
  GR: { bankCode: "011", bic: "MGNSGRAA" },
  HR: { bankCode: "1001005", bic: "MGNSHR2X" },
  HU: { bankCode: "117", bic: "MGNSHUHB" },
  IE: { bankCode: "MGNS", bic: "MGNSIE2D" },
  IS: { bankCode: "01", bic: "MGNSISRE" },
  IT: { bankCode: "03069", bic: "MGNSITMM" },
  LI: { bankCode: "08810", bic: "MGNSLI2X" },
  LT: { bankCode: "10000", bic: "MGNSLT2X" },
  LU: { bankCode: "001", bic: "MGNSLULL" },
  LV: { bankCode: "MGNS", bic: "MGNSLV2X" },
  MT: { bankCode: "MGNS", bic: "MGNSMTMT" },
  NL: { bankCode: "MGNS", bic: "MGNSNL2A" },
  NO: { bankCode: "8601", bic: "MGNSNOKK" },
  PL: { bankCode: "1090", bic: "MGNSPLPW" },
  PT: { bankCode: "0002", bic: "MGNSPTPL" },
  RO: { bankCode: "MGNS", bic: "MGNSROBU" },
  SE: { bankCode: "500", bic: "MGNSSESS" },
  SI: { bankCode: "19", bic: "MGNSSI2X" },
  SK: { bankCode: "0200", bic: "MGNSSKBX" },
  AE: { bankCode: "033", bic: "MGNSAEAD" },
  SA: { bankCode: "80", bic: "MGNSSARI" },
  TR: { bankCode: "00061", bic: "MGNSTRIS" },
};

/** Where the bank code starts in a country's BBAN ("1-5" in Italy, after the CIN letter). */
function bankCodeOffset(country: string): number {
  const range = countrySpecs[country]?.bank_identifier;
  return range ? Number(range.split("-")[0]) : 0;
}

/** Enough tries that a BBAN with two national check digits is found with certainty in practice. */
const MAX_TRIES = 10_000;

export function generateIban(
  country: string,
  random: RandomInt = cryptoRandomInt,
): { iban: string; bic: string } {
  const bank = sandboxIbanBanks[country];
  const pattern = countrySpecs[country]?.bban_regexp;
  if (!bank || !pattern) throw new RangeError(`No sandbox bank for ${country}`);
  const offset = bankCodeOffset(country);
  for (let i = 0; i < MAX_TRIES; i++) {
    const filler = fromBbanPattern(pattern, random);
    const bban = filler.slice(0, offset) + bank.bankCode + filler.slice(offset + bank.bankCode.length);
    if (!isValidBBAN(bban, country)) continue;
    const iban = composeIBAN({ countryCode: country, bban });
    if (iban) return { iban, bic: bank.bic };
  }
  throw new Error(`Could not generate a valid ${country} BBAN`);
}

/** Sort code of the simulated bank: inside a VocaLink MOD11 range, so every account it issues is checked. */
export const SANDBOX_SORT_CODE = "100010";

function generateUkAccount(random: RandomInt): string {
  for (let i = 0; i < MAX_TRIES; i++) {
    const account = randomDigits(random, 8);
    if (isValidUkAccount(SANDBOX_SORT_CODE, account)) return account;
  }
  throw new Error("Could not generate a UK account number");
}

/** Simulated-bank identifiers of the local schemes; the account number is what varies. */
const SANDBOX_ROUTING = {
  US: { routing_number: `11000000${abaCheckDigit("11000000")}` },
  CA: { institution_number: "621", transit_number: "10010" },
  AU: { bsb: "802985" },
  IN: { ifsc: "MGNS0000001" },
  JP: { bank_code: "0397", branch_code: "101" },
  SG: { bank_code: "7171", branch_code: "081" },
  HK: { bank_code: "387", branch_code: "101" },
  BR: { bank_code: "336", branch_code: "0001" },
} as const;

const ACCOUNT_LENGTHS: Readonly<Record<keyof typeof SANDBOX_ROUTING, number>> = {
  US: 12,
  CA: 12,
  AU: 9,
  IN: 14,
  JP: 7,
  SG: 10,
  HK: 9,
  BR: 10,
};

/** STP's CLABE bank code (646) and Mexico City's plaza (180): where Mexican virtual accounts live. */
const CLABE_PREFIX = "646180";

/**
 * New details in the simulated bank for a Global Account in `country`: valid in that country's
 * scheme (check digits included). Random, so uniqueness is the caller's (a unique index).
 */
export function generateBankDetails(country: string, random: RandomInt = cryptoRandomInt): BankDetails {
  const rule = bankCountries[country];
  if (!rule) throw new RangeError(`Unsupported country ${country}`);
  if (rule.scheme === "iban") {
    const { iban, bic } = generateIban(country, random);
    return { country, scheme: "iban", routing: {}, accountNumber: iban, iban, bic };
  }
  if (rule.scheme === "gb_sort_code") {
    const accountNumber = generateUkAccount(random);
    const iban = composeIBAN({ countryCode: "GB", bban: `MGNS${SANDBOX_SORT_CODE}${accountNumber}` });
    return {
      country,
      scheme: rule.scheme,
      routing: { sort_code: SANDBOX_SORT_CODE },
      accountNumber,
      iban,
      bic: "MGNSGB2L",
    };
  }
  if (rule.scheme === "mx_clabe") {
    const first17 = CLABE_PREFIX + randomDigits(random, 11);
    const clabe = first17 + clabeCheckDigit(first17);
    return {
      country,
      scheme: rule.scheme,
      routing: { bank_code: "646" },
      accountNumber: clabe,
      iban: null,
      bic: null,
    };
  }
  const local = country as keyof typeof SANDBOX_ROUTING;
  return {
    country,
    scheme: rule.scheme,
    routing: { ...SANDBOX_ROUTING[local] },
    accountNumber: randomDigits(random, ACCOUNT_LENGTHS[local]),
    iban: null,
    bic: null,
  };
}
