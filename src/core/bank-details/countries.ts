/**
 * The countries whose bank accounts we take and where Global Accounts issue details: the local
 * currency each account holds, and the scheme of its details. IBAN countries in SEPA also hold EUR.
 */
export const localSchemes = [
  "us_aba",
  "gb_sort_code",
  "ca_eft",
  "au_bsb",
  "in_ifsc",
  "mx_clabe",
  "jp_zengin",
  "sg_local",
  "hk_local",
  "br_local",
] as const;
export type LocalScheme = (typeof localSchemes)[number];
export type BankScheme = "iban" | LocalScheme;

interface CountryRule {
  currency: string;
  /** The scheme of domestic details; "iban" where the country's accounts are IBANs. */
  scheme: BankScheme;
  /** SEPA members hold EUR too. */
  sepa?: boolean;
}

export const bankCountries: Readonly<Record<string, CountryRule>> = {
  US: { currency: "USD", scheme: "us_aba" },
  GB: { currency: "GBP", scheme: "gb_sort_code", sepa: true },
  CA: { currency: "CAD", scheme: "ca_eft" },
  AU: { currency: "AUD", scheme: "au_bsb" },
  IN: { currency: "INR", scheme: "in_ifsc" },
  MX: { currency: "MXN", scheme: "mx_clabe" },
  JP: { currency: "JPY", scheme: "jp_zengin" },
  SG: { currency: "SGD", scheme: "sg_local" },
  HK: { currency: "HKD", scheme: "hk_local" },
  BR: { currency: "BRL", scheme: "br_local" },
  AT: { currency: "EUR", scheme: "iban", sepa: true },
  BE: { currency: "EUR", scheme: "iban", sepa: true },
  BG: { currency: "EUR", scheme: "iban", sepa: true },
  CH: { currency: "CHF", scheme: "iban", sepa: true },
  CY: { currency: "EUR", scheme: "iban", sepa: true },
  CZ: { currency: "CZK", scheme: "iban", sepa: true },
  DE: { currency: "EUR", scheme: "iban", sepa: true },
  DK: { currency: "DKK", scheme: "iban", sepa: true },
  EE: { currency: "EUR", scheme: "iban", sepa: true },
  ES: { currency: "EUR", scheme: "iban", sepa: true },
  FI: { currency: "EUR", scheme: "iban", sepa: true },
  FR: { currency: "EUR", scheme: "iban", sepa: true },
  GR: { currency: "EUR", scheme: "iban", sepa: true },
  HR: { currency: "EUR", scheme: "iban", sepa: true },
  HU: { currency: "HUF", scheme: "iban", sepa: true },
  IE: { currency: "EUR", scheme: "iban", sepa: true },
  IS: { currency: "ISK", scheme: "iban", sepa: true },
  IT: { currency: "EUR", scheme: "iban", sepa: true },
  LI: { currency: "CHF", scheme: "iban", sepa: true },
  LT: { currency: "EUR", scheme: "iban", sepa: true },
  LU: { currency: "EUR", scheme: "iban", sepa: true },
  LV: { currency: "EUR", scheme: "iban", sepa: true },
  MT: { currency: "EUR", scheme: "iban", sepa: true },
  NL: { currency: "EUR", scheme: "iban", sepa: true },
  NO: { currency: "NOK", scheme: "iban", sepa: true },
  PL: { currency: "PLN", scheme: "iban", sepa: true },
  PT: { currency: "EUR", scheme: "iban", sepa: true },
  RO: { currency: "RON", scheme: "iban", sepa: true },
  SE: { currency: "SEK", scheme: "iban", sepa: true },
  SI: { currency: "EUR", scheme: "iban", sepa: true },
  SK: { currency: "EUR", scheme: "iban", sepa: true },
  AE: { currency: "AED", scheme: "iban" },
  SA: { currency: "SAR", scheme: "iban" },
  TR: { currency: "TRY", scheme: "iban" },
};

export const bankCountryCodes = Object.keys(bankCountries);

/** Currencies an account in this country may hold: its own, plus EUR in SEPA. */
export function countryCurrencies(country: string): string[] {
  const rule = bankCountries[country];
  if (!rule) return [];
  return rule.sepa && rule.currency !== "EUR" ? [rule.currency, "EUR"] : [rule.currency];
}
