export {
  abaCheckDigit,
  clabeCheckDigit,
  isValidAbaRouting,
  isValidClabe,
  isValidUkAccount,
} from "./checksums";
export { type BankScheme, bankCountries, bankCountryCodes, countryCurrencies } from "./countries";
export {
  type BankDetailField,
  type BankDetails,
  type BankDetailsInput,
  bankDetailFields,
  canonicalAccount,
  parseBankDetails,
} from "./details";
export {
  cryptoRandomInt,
  generateBankDetails,
  generateIban,
  type RandomInt,
  sandboxIbanBanks,
} from "./generate";
