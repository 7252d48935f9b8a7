import type { BankDetailField } from "../../core/bank-details";
import type { Environment } from "../../core/tables";

export interface InstantVerificationRequest {
  country: string;
  routing: Partial<Record<BankDetailField, string>>;
  accountNumber: string;
  holderName: string;
}

export type InstantVerificationOutcome = { verified: true } | { verified: false; reason: string };

/** An account-information provider that confirms an account exists and belongs to the holder. */
export interface InstantVerificationProvider {
  verify(request: InstantVerificationRequest): Promise<InstantVerificationOutcome>;
}

/** Magic endings of the account number (or IBAN) that make the sandbox provider refuse. */
export const sandboxInstantFailures: Readonly<Record<string, string>> = {
  "000002": "account_closed",
  "000003": "holder_name_mismatch",
  "000004": "account_not_found",
};

export const sandboxInstantVerification: InstantVerificationProvider = {
  async verify({ accountNumber }) {
    const reason = sandboxInstantFailures[accountNumber.slice(-6)];
    return reason ? { verified: false, reason } : { verified: true };
  },
};

/** The provider of an environment; production has none connected yet. */
export function instantVerificationProvider(environment: Environment): InstantVerificationProvider | null {
  return environment === "sandbox" ? sandboxInstantVerification : null;
}
