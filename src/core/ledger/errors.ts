export type LedgerErrorCode =
  | "invalid_posting"
  | "unbalanced"
  | "source_conflict"
  | "hold_not_found"
  | "hold_already_resolved";

/**
 * A programming error in how the ledger was called (an unbalanced posting, a source reused for
 * different entries, a hold resolved twice). Not an API error: if one escapes, it is a 500.
 */
export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "LedgerError";
  }
}
