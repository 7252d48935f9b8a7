import type { Rail } from "./rails";

/** The return reason codes the rails carry (ACH: Nacha R codes; SEPA: ISO 20022 reason codes; Bacs: ARUCS). */
export const achReturnCodes = [
  "R01",
  "R02",
  "R03",
  "R04",
  "R05",
  "R07",
  "R08",
  "R10",
  "R11",
  "R16",
  "R20",
  "R29",
  "R51",
] as const;
/**
 * The unauthorized-debit reasons that may return an ACH debit up to 60 calendar days after
 * settlement (Nacha's extended return window); every other code keeps the rail's window.
 */
export const achUnauthorizedReturnCodes: readonly ReturnCode[] = ["R05", "R07", "R10", "R11", "R51"];
export const ACH_UNAUTHORIZED_RETURN_DAYS = 60;
export const sepaReturnCodes = [
  "AC01",
  "AC04",
  "AC06",
  "AG01",
  "AM04",
  "AM05",
  "MD06",
  "MD07",
  "MS02",
  "MS03",
] as const;
/**
 * Bacs Direct Credit returns (ARUCS, the Automated Return of Unapplied Credit Service): the reason
 * codes Bacs publishes for an unapplied credit. F, G, H and the other letters belong to AUDDIS and
 * ADDACS (direct debit instructions), not to credit returns.
 */
export const bacsReturnCodes = ["0", "2", "3", "5", "B", "C"] as const;
export type ReturnCode =
  | (typeof achReturnCodes)[number]
  | (typeof sepaReturnCodes)[number]
  | (typeof bacsReturnCodes)[number];

export const returnCodeDescriptions: Record<ReturnCode, string> = {
  R01: "Insufficient funds",
  R02: "Account closed",
  R03: "No account / unable to locate account",
  R04: "Invalid account number",
  R05: "Unauthorized debit to consumer account using corporate SEC code",
  R07: "Authorization revoked by customer",
  R08: "Payment stopped",
  R10: "Customer advises not authorized",
  R11: "Customer advises entry not in accordance with the terms of the authorization",
  R16: "Account frozen",
  R20: "Non-transaction account",
  R29: "Corporate customer advises not authorized",
  R51: "Item related to RCK entry is ineligible or RCK entry is improper",
  AC01: "Incorrect account number",
  AC04: "Closed account number",
  AC06: "Blocked account",
  AG01: "Transaction forbidden on this account",
  AM04: "Insufficient funds",
  AM05: "Duplicate payment",
  MD06: "Refund request by end customer",
  MD07: "End customer deceased",
  MS02: "Not specified reason, customer generated",
  MS03: "Not specified reason, agent generated",
  "0": "Invalid details: refer to payer",
  "2": "Beneficiary deceased",
  "3": "Account transferred to a new bank or building society",
  "5": "No account",
  B: "Account closed",
  C: "Requested by remitter",
};

/**
 * The return codes a rail carries: its family's, and on the UK schemes Bacs' ARUCS codes for Bacs
 * only (Faster Payments are final once paid); wires carry none.
 */
export function railReturnCodes(rail: Pick<Rail, "family" | "id">): readonly ReturnCode[] {
  if (rail.family === "ach") return achReturnCodes;
  if (rail.family === "sepa") return sepaReturnCodes;
  if (rail.id === "bacs") return bacsReturnCodes;
  return [];
}
