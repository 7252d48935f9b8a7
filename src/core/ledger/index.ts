export {
  type AccountKind,
  type AccountOwner,
  type AccountRef,
  type CardAccountKind,
  cardAccountKind,
  lockAccounts,
  type MerchantAccountKind,
  merchantAccounts,
  type SystemAccountKind,
} from "./accounts";
export { LedgerError, type LedgerErrorCode } from "./errors";
export { commitHold, type HoldOutcome, type ReserveInput, releaseHold, reserveHold } from "./holds";
export { checkLedgerInvariants, type InvariantReport, type InvariantScope } from "./invariants";
export {
  type EntryInput,
  type LedgerTransactionStatus,
  type LedgerTransactionType,
  ledgerTransactionStatuses,
  ledgerTransactionTypes,
  type Posting,
  type PostingInput,
  post,
  postingArgument,
  postingCall,
  postingStatement,
} from "./post";
