import { and, eq } from "drizzle-orm";
import type { Executor } from "../db";
import { newId } from "../ids";
import { exactlyOne, tenantScope } from "../tenancy";
import { type AccountOwner, type AccountRef, accountKey, lockAccounts } from "./accounts";
import { LedgerError } from "./errors";
import { type LedgerTransactionType, type Posting, post } from "./post";
import { type HoldRow, type HoldStatus, holds } from "./tables";

export interface ReserveInput extends AccountOwner {
  /** The business event the hold is for, e.g. "payout:po_x"; a hold per source and environment. */
  source: string;
  type: LedgerTransactionType;
  currency: string;
  amount: number;
  sourceObjectId?: string | null;
  description?: string | null;
  at: Date;
}

export interface HoldOutcome {
  hold: HoldRow;
  posting: Posting;
}

const available = (currency: string): AccountRef => ({ kind: "merchant_available", currency });
const reserved = (currency: string): AccountRef => ({ kind: "merchant_reserved", currency });

function checkAmount(amount: number, max: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > max) {
    throw new LedgerError("invalid_posting", `A hold amount is an integer from 1 to ${max}, got ${amount}.`);
  }
}

/**
 * Phase one: moves `amount` from available to reserved, or refuses with insufficient_funds.
 * Idempotent on `source`: a second reserve returns the first hold.
 */
export async function reserveHold(input: ReserveInput, tx: Executor): Promise<HoldOutcome> {
  checkAmount(input.amount, Number.MAX_SAFE_INTEGER);
  const owner = { merchantId: input.merchantId, environment: input.environment };
  const accounts = await lockAccounts(
    owner,
    [available(input.currency), reserved(input.currency)],
    input.at,
    tx,
  );
  const posting = await post(
    {
      ...owner,
      source: `${input.source}:reserve`,
      type: input.type,
      status: "pending",
      sourceObjectId: input.sourceObjectId ?? null,
      description: input.description ?? null,
      entries: [
        { account: available(input.currency), amount: -input.amount },
        { account: reserved(input.currency), amount: input.amount },
      ],
      at: input.at,
    },
    tx,
  );
  if (!posting.created) {
    const [hold] = await tx
      .select()
      .from(holds)
      .where(and(eq(holds.environment, input.environment), eq(holds.source, input.source)))
      .limit(1);
    if (!hold) throw new Error("reserve posting without its hold");
    return { hold, posting };
  }
  const availableAccount = accounts.get(accountKey(available(input.currency)));
  const reservedAccount = accounts.get(accountKey(reserved(input.currency)));
  if (!availableAccount || !reservedAccount) throw new Error("locked account missing");
  const hold = exactlyOne(
    await tx
      .insert(holds)
      .values({
        id: newId("hold"),
        merchantId: input.merchantId,
        environment: input.environment,
        source: input.source,
        type: input.type,
        currency: input.currency,
        amount: input.amount,
        status: "held",
        availableAccountId: availableAccount.id,
        reservedAccountId: reservedAccount.id,
        sourceObjectId: input.sourceObjectId ?? null,
        createdAt: input.at,
      })
      .returning(),
  );
  return { hold, posting };
}

interface ResolveInput extends AccountOwner {
  holdId: string;
  at: Date;
  description?: string | null;
}

/**
 * Resolves a held hold exactly once: the status is guarded in the UPDATE itself, so of two
 * concurrent resolutions the second waits for the first's row lock and then matches nothing.
 */
async function resolve(
  input: ResolveInput,
  status: Exclude<HoldStatus, "held">,
  committedAmount: number | null,
  tx: Executor,
): Promise<HoldRow> {
  const scope = and(eq(holds.id, input.holdId), ...tenantScope(holds, input));
  const [hold] = await tx
    .update(holds)
    .set({ status, committedAmount, resolvedAt: input.at })
    .where(and(scope, eq(holds.status, "held")))
    .returning();
  if (hold) return hold;
  const [existing] = await tx.select({ status: holds.status }).from(holds).where(scope).limit(1);
  if (!existing) throw new LedgerError("hold_not_found", `No such hold: ${input.holdId}`);
  throw new LedgerError("hold_already_resolved", `Hold ${input.holdId} is already ${existing.status}.`);
}

async function findHold(input: ResolveInput, tx: Executor): Promise<HoldRow> {
  const [hold] = await tx
    .select()
    .from(holds)
    .where(and(eq(holds.id, input.holdId), ...tenantScope(holds, input)))
    .limit(1);
  if (!hold) throw new LedgerError("hold_not_found", `No such hold: ${input.holdId}`);
  return hold;
}

/**
 * Phase two: moves `amount` (default all of it) from reserved to `destination`; the rest
 * goes back to available, in the same ledger transaction.
 */
export async function commitHold(
  input: ResolveInput & { destination: AccountRef; amount?: number },
  tx: Executor,
): Promise<HoldOutcome> {
  const current = await findHold(input, tx);
  const amount = input.amount ?? current.amount;
  checkAmount(amount, current.amount);
  if (input.destination.currency !== current.currency) {
    throw new LedgerError("invalid_posting", "A hold commits in its own currency.");
  }
  const hold = await resolve(input, "committed", amount, tx);
  const rest = hold.amount - amount;
  const posting = await post(
    {
      merchantId: hold.merchantId,
      environment: hold.environment,
      source: `${hold.source}:commit`,
      type: hold.type as LedgerTransactionType,
      sourceObjectId: hold.sourceObjectId,
      description: input.description ?? null,
      entries: [
        { account: reserved(hold.currency), amount: -hold.amount },
        { account: input.destination, amount },
        ...(rest > 0 ? [{ account: available(hold.currency), amount: rest }] : []),
      ],
      at: input.at,
    },
    tx,
  );
  return { hold, posting };
}

/** Phase two, the other way: the whole hold goes back to available. */
export async function releaseHold(input: ResolveInput, tx: Executor): Promise<HoldOutcome> {
  const hold = await resolve(input, "released", null, tx);
  const posting = await post(
    {
      merchantId: hold.merchantId,
      environment: hold.environment,
      source: `${hold.source}:release`,
      type: hold.type as LedgerTransactionType,
      sourceObjectId: hold.sourceObjectId,
      description: input.description ?? null,
      entries: [
        { account: reserved(hold.currency), amount: -hold.amount },
        { account: available(hold.currency), amount: hold.amount },
      ],
      at: input.at,
    },
    tx,
  );
  return { hold, posting };
}
