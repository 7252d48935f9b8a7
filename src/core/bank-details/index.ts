export { isValidAbaRouting, isValidClabe, isValidUkAccount } from "./checksums";
export { type BankScheme, bankCountries, bankCountryCodes, countryCurrencies } from "./countries";
export { type BankDetailField, type BankDetails, canonicalAccount, parseBankDetails } from "./details";
export { bankAccountFingerprint } from "./fingerprint";
export { generateBankDetails, generateIban, type RandomInt, sandboxIbanBanks } from "./generate";
