import type { Environment } from "../../core/tables";
import { buildIban } from "./bank-details";
import type { FundingMethod } from "./tables";

export const fundingCurrencies = ["EUR", "GBP", "USD"] as const;
export type FundingCurrency = (typeof fundingCurrencies)[number];

export function isFundingCurrency(currency: string): currency is FundingCurrency {
  return (fundingCurrencies as readonly string[]).includes(currency);
}

/** Which rails reach each collection account: SEPA only in EUR, ACH only in USD. */
export const fundingMethods: Record<FundingCurrency, FundingMethod[]> = {
  EUR: ["sepa", "wire", "swift"],
  GBP: ["wire", "swift"],
  USD: ["ach", "wire", "swift"],
};

export interface CollectionAccount {
  beneficiaryName: string;
  beneficiaryAddress: string;
  bankName: string;
  bankAddress: string;
  bic: string;
  iban: string | null;
  accountNumber: string | null;
  routingNumber: string | null;
  sortCode: string | null;
}

/**
 * The platform's own accounts that merchants wire to; the reference tells merchants apart.
 * Sandbox accounts belong to the simulated bank and receive nothing real. Production accounts
 * are the operating entity's (see docs/ledger.md before going live).
 */
export const collectionAccounts: Record<Environment, Record<FundingCurrency, CollectionAccount>> = {
  sandbox: {
    EUR: {
      beneficiaryName: "MagnetPay Sandbox B.V.",
      beneficiaryAddress: "Sandboxstraat 1, 1011 AA Amsterdam, NL",
      bankName: "MagnetPay Simulated Bank",
      bankAddress: "Simulatorweg 2, 1011 AB Amsterdam, NL",
      bic: "MGNSNL2A",
      iban: buildIban("NL", "MGNS0999000100"),
      accountNumber: null,
      routingNumber: null,
      sortCode: null,
    },
    GBP: {
      beneficiaryName: "MagnetPay Sandbox Ltd",
      beneficiaryAddress: "1 Sandbox Lane, London EC1A 1AA, GB",
      bankName: "MagnetPay Simulated Bank",
      bankAddress: "2 Simulator Street, London EC1A 1AB, GB",
      bic: "MGNSGB2L",
      iban: buildIban("GB", "MGNS23147099990001"),
      accountNumber: "99990001",
      routingNumber: null,
      sortCode: "23-14-70",
    },
    USD: {
      beneficiaryName: "MagnetPay Sandbox Inc.",
      beneficiaryAddress: "1 Sandbox Ave, New York, NY 10001, US",
      bankName: "MagnetPay Simulated Bank",
      bankAddress: "2 Simulator Plaza, New York, NY 10001, US",
      bic: "MGNSUS33",
      iban: null,
      accountNumber: "000123456789",
      routingNumber: "110000000",
      sortCode: null,
    },
  },
  production: {
    EUR: {
      beneficiaryName: "MagnetPay Payments B.V.",
      beneficiaryAddress: "Keizersgracht 100, 1015 AA Amsterdam, NL",
      bankName: "MagnetPay Settlement Bank N.V.",
      bankAddress: "Herengracht 200, 1016 BS Amsterdam, NL",
      bic: "MGNPNL2A",
      iban: buildIban("NL", "MGNP0417164300"),
      accountNumber: null,
      routingNumber: null,
      sortCode: null,
    },
    GBP: {
      beneficiaryName: "MagnetPay Payments Ltd",
      beneficiaryAddress: "100 Liverpool Street, London EC2M 2RH, GB",
      bankName: "MagnetPay Settlement Bank plc",
      bankAddress: "200 Bishopsgate, London EC2M 4NR, GB",
      bic: "MGNPGB2L",
      iban: buildIban("GB", "MGNP23147012345678"),
      accountNumber: "12345678",
      routingNumber: null,
      sortCode: "23-14-70",
    },
    USD: {
      beneficiaryName: "MagnetPay Payments Inc.",
      beneficiaryAddress: "100 Market Street, San Francisco, CA 94105, US",
      bankName: "MagnetPay Settlement Bank N.A.",
      bankAddress: "200 Mission Street, San Francisco, CA 94105, US",
      bic: "MGNPUS6S",
      iban: null,
      accountNumber: "4170216430",
      routingNumber: "121000426",
      sortCode: null,
    },
  },
};
