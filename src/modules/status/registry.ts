import type { ServiceContext } from "../../core/context";
import { idPrefixes } from "../../core/ids";
import type { StatusDocument } from "../../core/status";
import { bankTransferStatus } from "../bank-transfers/service";
import { fundingDepositStatus } from "../funding/service";
import { paymentStatus } from "../payments/service";
import { payoutStatus } from "../payouts/service";
import { refundStatus } from "../refunds/service";
import { transactionStatus } from "../transactions/service";

export interface StatusResolver {
  /** The id prefix this resolver answers for, e.g. "fdep" for fdep_… ids. */
  prefix: string;
  /** The object name, which the typed routes (/status/payments/{id}) match on. */
  object: string;
  /** The document, or undefined when no such object exists for this merchant and environment. */
  resolve: (args: { ctx: ServiceContext; id: string }) => Promise<StatusDocument | undefined>;
}

/**
 * Every money object the status endpoints know. A module adds one line for its object, with a
 * resolver from its service.ts (payments: object "payment"), and its id kind to
 * statusObjectKinds (core/status.ts), whose cached documents are dropped after each change.
 */
export const statusResolvers: readonly StatusResolver[] = [
  { prefix: idPrefixes.fundingDeposit, object: "funding_deposit", resolve: fundingDepositStatus },
  { prefix: idPrefixes.ledgerTransaction, object: "transaction", resolve: transactionStatus },
  { prefix: idPrefixes.payment, object: "payment", resolve: paymentStatus },
  { prefix: idPrefixes.refund, object: "refund", resolve: refundStatus },
  { prefix: idPrefixes.payout, object: "payout", resolve: payoutStatus },
  { prefix: idPrefixes.bankTransfer, object: "bank_transfer", resolve: bankTransferStatus },
];
