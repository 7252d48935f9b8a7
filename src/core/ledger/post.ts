import { type SQL, sql } from "drizzle-orm";
import { databaseErrorCode, type Executor, execute } from "../db";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { isCurrency } from "../money";
import { type AccountOwner, type AccountRef, accountKey, allowsNegative, isAccountKind } from "./accounts";
import { LedgerError } from "./errors";
import type { LedgerEntryRow, LedgerTransactionRow } from "./tables";

export const ledgerTransactionTypes = [
  "payment",
  "refund",
  "payout",
  "bank_transfer",
  "funding",
  "card_load",
  "card_authorization",
  "card_transaction",
  "crypto_deposit",
  "crypto_withdrawal",
  "fee",
  "fx_conversion",
  "adjustment",
  "settlement",
] as const;
export type LedgerTransactionType = (typeof ledgerTransactionTypes)[number];

/**
 * Fixed when posted: `pending` while the funds sit in pending or reserved, `posted` once they
 * reach or leave available for good. A later step is its own transaction, never an update.
 */
export const ledgerTransactionStatuses = ["pending", "posted"] as const;
export type LedgerTransactionStatus = (typeof ledgerTransactionStatuses)[number];

export interface EntryInput {
  account: AccountRef;
  /** Signed integer in minor units of the account's currency; never zero. */
  amount: number;
}

export interface PostingInput extends AccountOwner {
  /** The business event, e.g. "funding_deposit:fdep_x:credited"; unique per environment. */
  source: string;
  type: LedgerTransactionType;
  status?: LedgerTransactionStatus;
  sourceObjectId?: string | null;
  description?: string | null;
  entries: EntryInput[];
  at: Date;
}

export interface Posting {
  transaction: LedgerTransactionRow;
  entries: LedgerEntryRow[];
  /** False when the source had already been posted: this is the first posting, unchanged. */
  created: boolean;
}

/** Checks a posting's shape without touching the database: the rules every posting obeys. */
export function validatePosting(input: Pick<PostingInput, "source" | "entries">): void {
  if (input.source.length === 0 || input.source.length > 255) {
    throw new LedgerError("invalid_posting", "A posting needs a source of 1 to 255 characters.");
  }
  if (input.entries.length < 2)
    throw new LedgerError("invalid_posting", "A posting needs at least two entries.");
  const sums = new Map<string, bigint>();
  for (const entry of input.entries) {
    if (!Number.isSafeInteger(entry.amount) || entry.amount === 0) {
      throw new LedgerError("invalid_posting", `Entry amounts are non-zero integers, got ${entry.amount}.`);
    }
    if (!isCurrency(entry.account.currency)) {
      throw new LedgerError("invalid_posting", `Unknown currency ${entry.account.currency}.`);
    }
    if (!isAccountKind(entry.account.kind)) {
      throw new LedgerError("invalid_posting", `Unknown account kind ${entry.account.kind}.`);
    }
    const currency = entry.account.currency;
    sums.set(currency, (sums.get(currency) ?? 0n) + BigInt(entry.amount));
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0n) throw new LedgerError("unbalanced", `Entries in ${currency} sum to ${sum}, not zero.`);
  }
}

/** How ledger_post (migrations/0010) answers, in the row shapes of its tables' JSON. */
interface PostingAnswer {
  outcome: "created" | "replayed" | "refused" | "out_of_range";
  accounts: { id: string; kind: string; currency: string }[];
  transaction?: Record<string, unknown>;
  entries?: Record<string, unknown>[];
  refused?: { kind: string; currency: string };
}

const asDate = (value: unknown): Date => new Date(String(value));

function toTransactionRow(json: Record<string, unknown>): LedgerTransactionRow {
  return {
    id: String(json.id),
    merchantId: String(json.merchant_id),
    environment: json.environment as LedgerTransactionRow["environment"],
    source: String(json.source),
    type: String(json.type),
    status: String(json.status),
    amount: Number(json.amount),
    currency: String(json.currency),
    sourceObjectId: json.source_object_id === null ? null : String(json.source_object_id),
    description: json.description === null ? null : String(json.description),
    createdAt: asDate(json.created_at),
  };
}

function toEntryRow(json: Record<string, unknown>): LedgerEntryRow {
  return {
    id: String(json.id),
    transactionId: String(json.transaction_id),
    accountId: String(json.account_id),
    merchantId: String(json.merchant_id),
    environment: json.environment as LedgerEntryRow["environment"],
    position: Number(json.position),
    amount: Number(json.amount),
    currency: String(json.currency),
    balanceAfter: Number(json.balance_after),
    createdAt: asDate(json.created_at),
  };
}

/** A replay must describe the same movement; the same source with other entries is a bug. */
function sameMovement(
  existing: Omit<Posting, "created">,
  input: PostingInput,
  answer: PostingAnswer,
): boolean {
  if (existing.transaction.merchantId !== input.merchantId || existing.transaction.type !== input.type) {
    return false;
  }
  const keyOfId = new Map(
    answer.accounts.map((account) => [account.id, `${account.currency}|${account.kind}`]),
  );
  const had = existing.entries.map(
    (entry) => `${keyOfId.get(entry.accountId) ?? entry.accountId}=${entry.amount}`,
  );
  const asked = input.entries.map((entry) => `${accountKey(entry.account)}=${entry.amount}`);
  return had.sort().join(",") === asked.sort().join(",");
}

function refusal(answer: PostingAnswer): ApiError {
  if (answer.outcome === "out_of_range") {
    return new ApiError("amount_invalid", {
      message: "This amount would take a balance beyond the largest supported value.",
    });
  }
  const kind = answer.refused?.kind;
  const balance = kind === "merchant_reserved" ? "reserved" : "available";
  return new ApiError("insufficient_funds", {
    message: `The ${balance} ${answer.refused?.currency ?? ""} balance does not cover this amount.`,
  });
}

/** A refusal raised by ledger_post in a batch (SQLSTATE MP001, MP002), as the API error it means. */
export function ledgerRefusal(error: unknown): ApiError | undefined {
  const code = databaseErrorCode(error);
  if (code !== "MP001" && code !== "MP002") return undefined;
  let detail = "";
  for (let current = error; typeof current === "object" && current !== null; ) {
    if ("detail" in current && typeof current.detail === "string") detail = current.detail;
    current = "cause" in current ? current.cause : undefined;
  }
  const [kind = "", currency = ""] = detail.split(" ");
  return refusal({
    outcome: code === "MP001" ? "refused" : "out_of_range",
    accounts: [],
    refused: { kind, currency },
  });
}

/** The JSON argument of ledger_post: the validated posting with every id it may need. */
export function postingArgument(input: PostingInput): string {
  const first = input.entries[0];
  if (!first) throw new LedgerError("invalid_posting", "A posting needs at least two entries.");
  const currency = first.account.currency;
  const gross = input.entries
    .filter((entry) => entry.account.currency === currency && entry.amount > 0)
    .reduce((sum, entry) => sum + entry.amount, 0);
  return JSON.stringify({
    id: newId("ledgerTransaction"),
    merchant_id: input.merchantId,
    environment: input.environment,
    source: input.source,
    type: input.type,
    status: input.status ?? "posted",
    amount: gross,
    currency,
    source_object_id: input.sourceObjectId ?? null,
    description: input.description ?? null,
    created_at: input.at.toISOString(),
    entries: input.entries.map((entry) => ({
      id: newId("ledgerEntry"),
      account_id: newId("ledgerAccount"),
      kind: entry.account.kind,
      currency: entry.account.currency,
      allow_negative: allowsNegative(entry.account.kind),
      amount: entry.amount,
    })),
  });
}

/**
 * The posting as one SQL statement that raises on refusal (SQLSTATE MP001 insufficient funds,
 * MP002 out of range), for an HTTP batch that must roll back as a whole when the money isn't there.
 */
export function postingStatement(input: PostingInput): SQL {
  return sql`select ${postingCall(input)} as posting`;
}

/**
 * The raising ledger_post call as an expression, for a statement that posts only under a
 * condition of its own (e.g. `select <call> from updated`, where `updated` is a compare-and-set).
 * With `raise: false` a refusal is an answer (`outcome: "refused"`) rather than an error, for a
 * statement that falls back to another posting.
 */
export function postingCall(input: PostingInput, options: { raise: boolean } = { raise: true }): SQL {
  validatePosting(input);
  return sql`ledger_post(${postingArgument(input)}::jsonb, ${options.raise})`;
}

/**
 * Posts one ledger transaction in one statement (ledger_post, migrations/0010): accounts locked in
 * id order, idempotent on `source` (a second call returns the first posting), refused with
 * `insufficient_funds` when an account that must not go negative would. A refused posting writes
 * nothing but the (empty) accounts it created, so a caller may catch it and carry on.
 */
export async function post(input: PostingInput, tx: Executor): Promise<Posting> {
  validatePosting(input);
  const result = await execute<{ posting: PostingAnswer }>(
    sql`select ledger_post(${postingArgument(input)}::jsonb) as posting`,
    tx,
  );
  const answer = result.rows[0]?.posting;
  if (!answer) throw new Error("ledger_post returned no row");
  if (answer.outcome === "refused" || answer.outcome === "out_of_range") throw refusal(answer);
  if (!answer.transaction) throw new Error("ledger_post returned no transaction");
  const posting = {
    transaction: toTransactionRow(answer.transaction),
    entries: (answer.entries ?? []).map(toEntryRow),
  };
  if (answer.outcome === "created") return { ...posting, created: true };
  if (!sameMovement(posting, input, answer)) {
    throw new LedgerError("source_conflict", `Source ${input.source} was already posted with other entries.`);
  }
  return { ...posting, created: false };
}
