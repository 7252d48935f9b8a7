import { and, asc, eq, sql } from "drizzle-orm";
import type { Executor } from "../db";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { isCurrency } from "../money";
import { type AccountOwner, type AccountRef, accountKey, isAccountKind, lockAccounts } from "./accounts";
import { LedgerError } from "./errors";
import {
  type LedgerAccountRow,
  type LedgerEntryRow,
  type LedgerTransactionRow,
  ledgerEntries,
  ledgerTransactions,
} from "./tables";

export const ledgerTransactionTypes = [
  "payment",
  "refund",
  "payout",
  "funding",
  "card_load",
  "crypto_deposit",
  "crypto_withdrawal",
  "fee",
  "fx_conversion",
  "adjustment",
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

/** The first posting of a source in an environment, with its entries in order. */
export async function findPosting(
  db: Executor,
  environment: AccountOwner["environment"],
  source: string,
): Promise<Omit<Posting, "created"> | undefined> {
  const [transaction] = await db
    .select()
    .from(ledgerTransactions)
    .where(and(eq(ledgerTransactions.environment, environment), eq(ledgerTransactions.source, source)))
    .limit(1);
  if (!transaction) return undefined;
  const entries = await db
    .select()
    .from(ledgerEntries)
    .where(eq(ledgerEntries.transactionId, transaction.id))
    .orderBy(asc(ledgerEntries.position));
  return { transaction, entries };
}

/** A replay must describe the same movement; the same source with other entries is a bug. */
function sameMovement(
  existing: Omit<Posting, "created">,
  input: PostingInput,
  accounts: Map<string, LedgerAccountRow>,
): boolean {
  if (existing.transaction.merchantId !== input.merchantId || existing.transaction.type !== input.type) {
    return false;
  }
  const keyOfId = new Map([...accounts].map(([key, row]) => [row.id, key]));
  const had = existing.entries.map(
    (entry) => `${keyOfId.get(entry.accountId) ?? entry.accountId}=${entry.amount}`,
  );
  const asked = input.entries.map((entry) => `${accountKey(entry.account)}=${entry.amount}`);
  return had.sort().join(",") === asked.sort().join(",");
}

function replay(
  existing: Omit<Posting, "created">,
  input: PostingInput,
  accounts: Map<string, LedgerAccountRow>,
) {
  if (!sameMovement(existing, input, accounts)) {
    throw new LedgerError("source_conflict", `Source ${input.source} was already posted with other entries.`);
  }
  return { ...existing, created: false };
}

function insufficientFunds(account: LedgerAccountRow): ApiError {
  const balance = account.kind === "merchant_reserved" ? "reserved" : "available";
  return new ApiError("insufficient_funds", {
    message: `The ${balance} ${account.currency} balance does not cover this amount.`,
  });
}

/**
 * Posts one ledger transaction in the caller's database transaction: accounts locked in id
 * order, idempotent on `source` (a second call returns the first posting), refused with
 * `insufficient_funds` when an account that must not go negative would. A refused posting
 * writes nothing but the (empty) accounts it created, so a caller may catch it and carry on.
 */
export async function post(tx: Executor, input: PostingInput): Promise<Posting> {
  validatePosting(input);
  const owner = { merchantId: input.merchantId, environment: input.environment };
  const accounts = await lockAccounts(
    tx,
    owner,
    input.entries.map((entry) => entry.account),
    input.at,
  );
  const existing = await findPosting(tx, input.environment, input.source);
  if (existing) return replay(existing, input, accounts);

  // Running balance of every account the posting touches, entry by entry.
  const touched = new Map<string, { account: LedgerAccountRow; balance: bigint }>();
  const entryRows = input.entries.map((entry, position) => {
    const account = accounts.get(accountKey(entry.account));
    if (!account) throw new Error("locked account missing");
    const running = touched.get(account.id) ?? { account, balance: BigInt(account.balance) };
    running.balance += BigInt(entry.amount);
    touched.set(account.id, running);
    return { entry, account, position, after: running.balance };
  });
  for (const { account, balance } of touched.values()) {
    if (!account.allowNegative && balance < 0n) throw insufficientFunds(account);
    if (balance > BigInt(Number.MAX_SAFE_INTEGER) || balance < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ApiError("amount_invalid", {
        message: "This amount would take a balance beyond the largest supported value.",
      });
    }
  }

  const first = input.entries[0];
  if (!first) throw new Error("validated posting has no entries");
  const currency = first.account.currency;
  const gross = input.entries
    .filter((entry) => entry.account.currency === currency && entry.amount > 0)
    .reduce((sum, entry) => sum + entry.amount, 0);
  const [transaction] = await tx
    .insert(ledgerTransactions)
    .values({
      id: newId("ledgerTransaction"),
      merchantId: input.merchantId,
      environment: input.environment,
      source: input.source,
      type: input.type,
      status: input.status ?? "posted",
      amount: gross,
      currency,
      sourceObjectId: input.sourceObjectId ?? null,
      description: input.description ?? null,
      createdAt: input.at,
    })
    .onConflictDoNothing({ target: [ledgerTransactions.environment, ledgerTransactions.source] })
    .returning();
  if (!transaction) {
    // Only reachable when a concurrent posting of this source locked other accounts than ours.
    const winner = await findPosting(tx, input.environment, input.source);
    if (!winner) throw new Error("ledger source conflict without a row");
    return replay(winner, input, accounts);
  }

  const entries = await tx
    .insert(ledgerEntries)
    .values(
      entryRows.map(({ entry, account, position, after }) => ({
        id: newId("ledgerEntry"),
        transactionId: transaction.id,
        accountId: account.id,
        merchantId: input.merchantId,
        environment: input.environment,
        position,
        amount: entry.amount,
        currency: entry.account.currency,
        balanceAfter: Number(after),
        createdAt: input.at,
      })),
    )
    .returning();
  const values = [...touched.values()].map(
    ({ account, balance }) =>
      sql`(${account.id}::text, ${(balance - BigInt(account.balance)).toString()}::bigint)`,
  );
  await tx.execute(
    sql`update ledger_accounts as a set balance = a.balance + v.delta
        from (values ${sql.join(values, sql`, `)}) as v(id, delta) where a.id = v.id`,
  );
  entries.sort((a, b) => a.position - b.position);
  return { transaction, entries, created: true };
}
