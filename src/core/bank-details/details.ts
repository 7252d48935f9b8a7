import { electronicFormatIBAN, isValidBIC, ValidationErrorsIBAN, validateIBAN } from "ibantools";
import { ApiError } from "../errors";
import { isValidAbaRouting, isValidClabe, isValidUkAccount } from "./checksums";
import { type BankScheme, bankCountries } from "./countries";

/** Every field a set of bank details may use; which ones a country needs depends on its scheme. */
export const bankDetailFields = [
  "iban",
  "bic",
  "account_number",
  "routing_number",
  "sort_code",
  "transit_number",
  "institution_number",
  "bsb",
  "ifsc",
  "clabe",
  "bank_code",
  "branch_code",
] as const;
export type BankDetailField = (typeof bankDetailFields)[number];
export type BankDetailsInput = Partial<Record<BankDetailField, string | null | undefined>>;

/** The bank-identifying fields of each scheme (public) and the field holding the account (secret). */
const schemeFields: Record<BankScheme, { routing: BankDetailField[]; account: BankDetailField }> = {
  iban: { routing: [], account: "iban" },
  us_aba: { routing: ["routing_number"], account: "account_number" },
  gb_sort_code: { routing: ["sort_code"], account: "account_number" },
  ca_eft: { routing: ["institution_number", "transit_number"], account: "account_number" },
  au_bsb: { routing: ["bsb"], account: "account_number" },
  in_ifsc: { routing: ["ifsc"], account: "account_number" },
  mx_clabe: { routing: [], account: "clabe" },
  jp_zengin: { routing: ["bank_code", "branch_code"], account: "account_number" },
  sg_local: { routing: ["bank_code", "branch_code"], account: "account_number" },
  hk_local: { routing: ["bank_code", "branch_code"], account: "account_number" },
  br_local: { routing: ["bank_code", "branch_code"], account: "account_number" },
};

/** Formats of each scheme's fields, after spaces and dashes are removed. */
const fieldFormats: Record<
  Exclude<BankScheme, "iban" | "mx_clabe">,
  Partial<Record<BankDetailField, RegExp>>
> = {
  us_aba: { routing_number: /^\d{9}$/, account_number: /^\d{4,17}$/ },
  gb_sort_code: { sort_code: /^\d{6}$/, account_number: /^\d{8}$/ },
  ca_eft: { institution_number: /^\d{3}$/, transit_number: /^\d{5}$/, account_number: /^\d{7,12}$/ },
  au_bsb: { bsb: /^\d{6}$/, account_number: /^\d{5,9}$/ },
  in_ifsc: { ifsc: /^[A-Z]{4}0[A-Z0-9]{6}$/, account_number: /^\d{9,18}$/ },
  jp_zengin: { bank_code: /^\d{4}$/, branch_code: /^\d{3}$/, account_number: /^\d{7}$/ },
  sg_local: { bank_code: /^\d{4}$/, branch_code: /^\d{3}$/, account_number: /^\d{6,12}$/ },
  hk_local: { bank_code: /^\d{3}$/, branch_code: /^\d{3}$/, account_number: /^\d{6,9}$/ },
  br_local: { bank_code: /^\d{3}$/, branch_code: /^\d{4}$/, account_number: /^\d{5,12}$/ },
};

export interface BankDetails {
  country: string;
  scheme: BankScheme;
  /** The public, bank-identifying fields (routing number, sort code, BSB, ...), normalized. */
  routing: Partial<Record<BankDetailField, string>>;
  /** The secret part: the IBAN, the CLABE or the account number. */
  accountNumber: string;
  iban: string | null;
  bic: string | null;
}

function normalize(value: string): string {
  return value.replace(/[\s-]+/g, "").toUpperCase();
}

/** Error codes of the IBAN checks, most specific first. */
const ibanFailures: Array<[ValidationErrorsIBAN, string]> = [
  [ValidationErrorsIBAN.NoIBANCountry, "The IBAN does not start with the code of a country that uses IBANs."],
  [ValidationErrorsIBAN.WrongBBANLength, "The IBAN does not have the length its country uses."],
  [
    ValidationErrorsIBAN.WrongBBANFormat,
    "The IBAN's national account number (BBAN) does not have its country's format.",
  ],
  [ValidationErrorsIBAN.ChecksumNotNumber, "The IBAN's check digits are not digits."],
  [ValidationErrorsIBAN.WrongIBANChecksum, "The IBAN's check digits are wrong (ISO 7064 mod 97)."],
  [
    ValidationErrorsIBAN.WrongAccountBankBranchChecksum,
    "The IBAN fails its country's national check digits.",
  ],
];

function parseIban(country: string, raw: string): string {
  const iban = electronicFormatIBAN(raw) ?? "";
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/.test(iban)) {
    throw new ApiError("iban_invalid", {
      param: "iban",
      message: "An IBAN is two letters, two digits, then up to 30 letters and digits.",
    });
  }
  if (iban.slice(0, 2) !== country) {
    throw new ApiError("iban_invalid", {
      param: "iban",
      message: `The IBAN is from ${iban.slice(0, 2)}, not ${country}.`,
    });
  }
  const { errorCodes } = validateIBAN(iban, { allowQRIBAN: false });
  const failure = ibanFailures.find(([code]) => errorCodes.includes(code));
  if (failure) throw new ApiError("iban_invalid", { param: "iban", message: failure[1] });
  if (errorCodes.length > 0) throw new ApiError("iban_invalid", { param: "iban" });
  return iban;
}

function parseBic(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null) return null;
  const bic = normalize(raw);
  if (!isValidBIC(bic)) throw new ApiError("bic_invalid", { param: "bic" });
  return bic;
}

function required(input: BankDetailsInput, field: BankDetailField, country: string): string {
  const value = input[field];
  if (value === undefined || value === null || value === "") {
    throw new ApiError("parameter_missing", {
      param: field,
      message: `${field} is required for bank accounts in ${country}.`,
    });
  }
  return normalize(value);
}

function refuseUnused(input: BankDetailsInput, used: BankDetailField[], country: string): void {
  const unused = bankDetailFields.find((field) => input[field] != null && !used.includes(field));
  if (unused) {
    throw new ApiError("parameter_invalid", {
      param: unused,
      message: `${unused} is not used for bank accounts in ${country}.`,
    });
  }
}

/** GB IBANs carry the sort code and account number: they must pass the same modulus checks. */
function gbFromIban(iban: string): Pick<BankDetails, "routing" | "accountNumber"> {
  const sortCode = iban.slice(8, 14);
  const accountNumber = iban.slice(14, 22);
  if (!isValidUkAccount(sortCode, accountNumber)) {
    throw new ApiError("bank_account_number_invalid", {
      param: "iban",
      message: "The sort code and account number in this IBAN fail the VocaLink modulus check.",
    });
  }
  return { routing: { sort_code: sortCode }, accountNumber };
}

function checkRouting(
  scheme: BankScheme,
  routing: Partial<Record<BankDetailField, string>>,
  accountNumber: string,
): void {
  if (scheme === "us_aba" && !isValidAbaRouting(routing.routing_number ?? "")) {
    throw new ApiError("routing_number_invalid", {
      param: "routing_number",
      message: "The ABA routing number fails its 3-7-1 check digit.",
    });
  }
  if (scheme === "gb_sort_code" && !isValidUkAccount(routing.sort_code ?? "", accountNumber)) {
    throw new ApiError("bank_account_number_invalid", {
      param: "account_number",
      message: "The sort code and account number fail the VocaLink modulus check.",
    });
  }
}

/**
 * Validates bank details for a country and returns them normalized; the first failing check is
 * raised as an ApiError naming its field. No I/O.
 */
export function parseBankDetails(country: string, input: BankDetailsInput): BankDetails {
  const rule = bankCountries[country];
  if (!rule) throw new ApiError("bank_account_country_unsupported", { param: "country" });
  const ibanGiven = input.iban != null && (rule.scheme === "iban" || country === "GB");
  if (ibanGiven || rule.scheme === "iban") {
    refuseUnused(input, ["iban", "bic"], country);
    const iban = parseIban(country, required(input, "iban", country));
    const bic = parseBic(input.bic);
    const local = country === "GB" ? gbFromIban(iban) : { routing: {}, accountNumber: iban };
    return { country, scheme: rule.scheme, ...local, iban, bic };
  }
  const { routing: routingFields, account } = schemeFields[rule.scheme];
  refuseUnused(input, [...routingFields, account], country);
  if (rule.scheme === "mx_clabe") {
    const clabe = required(input, "clabe", country);
    if (!isValidClabe(clabe)) {
      throw new ApiError("bank_account_number_invalid", {
        param: "clabe",
        message: "A CLABE is 18 digits whose last is the 3-7-1 check digit.",
      });
    }
    return {
      country,
      scheme: "mx_clabe",
      routing: { bank_code: clabe.slice(0, 3) },
      accountNumber: clabe,
      iban: null,
      bic: null,
    };
  }
  const formats = fieldFormats[rule.scheme];
  const values: Partial<Record<BankDetailField, string>> = {};
  for (const field of [...routingFields, account]) {
    const value = required(input, field, country);
    if (!formats[field]?.test(value)) {
      throw new ApiError(field === account ? "bank_account_number_invalid" : "routing_number_invalid", {
        param: field,
        message: `${field} does not have the format used in ${country}.`,
      });
    }
    values[field] = value;
  }
  const { [account]: accountNumber = "", ...routing } = values;
  checkRouting(rule.scheme, routing, accountNumber);
  return { country, scheme: rule.scheme, routing, accountNumber, iban: null, bic: null };
}

/** What identifies the account across submissions, whatever the input format: the key of its fingerprint. */
export function canonicalAccount(details: BankDetails): string {
  const routing = Object.entries(details.routing)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([field, value]) => `${field}=${value}`)
    .join("&");
  return `${details.country}|${routing}|${details.accountNumber}`;
}
