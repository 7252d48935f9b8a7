import { type BankScheme, bankCountries } from "../bank-details";
import type { Rail } from "./rails";

/** The parts of a bank account that decide which rails reach it. */
export interface RailAccount {
  country: string;
  currency: string;
  scheme: BankScheme;
}

/**
 * Whether `rail` reaches `account` in the account's currency: ACH a US routing and account number,
 * SEPA an IBAN (or a GB account) of a SEPA country holding EUR, the UK schemes a GB account in GBP,
 * wires (SWIFT) any account holding the wire's currency.
 */
export function railReaches(rail: Rail, account: RailAccount): boolean {
  if (!rail.currencies.includes(account.currency)) return false;
  switch (rail.family) {
    case "ach":
      return account.scheme === "us_aba";
    case "sepa":
      return (
        bankCountries[account.country]?.sepa === true &&
        (account.scheme === "iban" || account.country === "GB")
      );
    case "uk":
      return account.country === "GB";
    case "wire":
      return true;
  }
}
