import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { type PostingInput, postingCall } from "../../core/ledger";
import { toCryptoDeposit } from "./deposits";
import { type PaymentReversal, paymentUpdate } from "./payment-matching";
import { toCryptoPayment } from "./payments";
import { type CryptoDepositRow, type CryptoDepositStatus, cryptoDeposits, cryptoPayments } from "./tables";

const FIAT = "USD";

/** A new deposit and its `crypto.deposit.detected` event, both only if the (block, tx, log) is new. */
export function detectedStatement(ctx: ServiceContext, row: CryptoDepositRow): SQL {
  const insert = ctx.services.db
    .insert(cryptoDeposits)
    .values(row)
    .onConflictDoNothing({
      target: [
        cryptoDeposits.chain,
        cryptoDeposits.blockHash,
        cryptoDeposits.txHash,
        cryptoDeposits.logIndex,
      ],
    })
    .returning({ id: cryptoDeposits.id });
  const event = gatedChangeMembers(
    ctx,
    { type: "crypto.deposit.detected", object: toCryptoDeposit(row) },
    "inserted",
    "detected",
  );
  return sql`with inserted as ${insert}, ${event} select count(*)::int as applied from inserted`;
}

/** Only the confirmation count moves: no event (the states and their events are what webhooks see). */
export function confirmingStatement(ctx: ServiceContext, row: CryptoDepositRow, confirmations: number): SQL {
  const now = ctx.services.clock.now();
  const update = ctx.services.db
    .update(cryptoDeposits)
    .set({ status: "confirming", confirmations, updatedAt: now })
    .where(and(eq(cryptoDeposits.id, row.id), inArray(cryptoDeposits.status, ["detected", "confirming"])))
    .returning({ id: cryptoDeposits.id });
  return sql`with updated as ${update} select count(*)::int as applied from updated`;
}

function creditPosting(ctx: ServiceContext, row: CryptoDepositRow, fiatAmount: number): PostingInput {
  return {
    merchantId: row.merchantId,
    environment: row.environment,
    source: `crypto_deposit:${row.id}:credited`,
    type: "crypto_deposit",
    status: "posted",
    sourceObjectId: row.id,
    description: `Crypto deposit ${row.txHash}`,
    entries: [
      { account: { kind: "crypto_custody", currency: FIAT }, amount: -fiatAmount },
      { account: { kind: "merchant_available", currency: FIAT }, amount: fiatAmount },
    ],
    at: ctx.services.clock.now(),
  };
}

/**
 * Confirmed, and credited when the value is known: one statement, a compare-and-set on the status
 * so that of two polls only one moves it, posts (idempotent on the deposit's source besides) and
 * writes `crypto.deposit.confirmed` and `crypto.deposit.credited`.
 */
export function confirmedStatement(
  ctx: ServiceContext,
  row: CryptoDepositRow,
  confirmations: number,
  value: { fiatAmount: number; rate: string } | undefined,
): { statement: SQL; row: CryptoDepositRow } {
  const now = ctx.services.clock.now();
  const credited = value !== undefined;
  const wasConfirmed = row.status === "confirmed";
  const next: CryptoDepositRow = {
    ...row,
    status: credited ? "credited" : "confirmed",
    confirmations,
    confirmedAt: row.confirmedAt ?? now,
    creditedAt: credited ? now : null,
    fiatAmount: value?.fiatAmount ?? null,
    fiatCurrency: credited ? FIAT : null,
    rate: value?.rate ?? null,
    updatedAt: now,
  };
  const from: CryptoDepositStatus[] = wasConfirmed ? ["confirmed"] : ["detected", "confirming"];
  const update = ctx.services.db
    .update(cryptoDeposits)
    .set({
      status: next.status,
      confirmations,
      confirmedAt: next.confirmedAt,
      creditedAt: next.creditedAt,
      fiatAmount: next.fiatAmount,
      fiatCurrency: next.fiatCurrency,
      rate: next.rate,
      updatedAt: now,
    })
    .where(and(eq(cryptoDeposits.id, row.id), inArray(cryptoDeposits.status, from)))
    .returning({ id: cryptoDeposits.id });
  const members: SQL[] = [sql`updated as ${update}`];
  if (!wasConfirmed) {
    const confirmedObject = toCryptoDeposit({ ...next, status: "confirmed", creditedAt: null });
    members.push(
      gatedChangeMembers(
        ctx,
        { type: "crypto.deposit.confirmed", object: confirmedObject },
        "updated",
        "confirmed",
      ),
    );
  }
  // A CTE that only selects runs only when the statement reads it: the final select counts it.
  let posted = sql``;
  if (value && value.fiatAmount > 0) {
    members.push(
      sql`posted as (select ${postingCall(creditPosting(ctx, row, value.fiatAmount))} from updated)`,
    );
    posted = sql`, (select count(*) from posted)::int as posted`;
  }
  if (credited) {
    members.push(
      gatedChangeMembers(
        ctx,
        { type: "crypto.deposit.credited", object: toCryptoDeposit(next) },
        "updated",
        "credited",
      ),
    );
  }
  return {
    statement: sql`with ${sql.join(members, sql`, `)} select count(*)::int as applied${posted} from updated`,
    row: next,
  };
}

/**
 * A deposit whose block left the chain. Not yet credited: `dropped`. Credited: `reversed`, and the
 * credit undone once (source `…:reversed`): from available when it covers the amount, else from
 * pending, which may go below zero (the merchant then owes it, as with a refund beyond the balance).
 * A crypto payment that counted it is taken back in the same statement, gated on the deposit's
 * compare-and-set and on the payment still counting it, with `crypto.payment.reversed`.
 */
export function orphanedStatement(
  ctx: ServiceContext,
  row: CryptoDepositRow,
  payment?: PaymentReversal,
): SQL {
  const now = ctx.services.clock.now();
  const reversing = row.status === "credited";
  const next: CryptoDepositRow = {
    ...row,
    status: reversing ? "reversed" : "dropped",
    droppedAt: now,
    updatedAt: now,
  };
  const update = ctx.services.db
    .update(cryptoDeposits)
    .set({ status: next.status, droppedAt: now, updatedAt: now })
    .where(and(eq(cryptoDeposits.id, row.id), eq(cryptoDeposits.status, row.status)))
    .returning({ id: cryptoDeposits.id });
  const members: SQL[] = [sql`updated as ${update}`];
  const amount = row.fiatAmount ?? 0;
  if (reversing && amount > 0) {
    const reversal = (kind: "merchant_available" | "merchant_pending"): PostingInput => ({
      merchantId: row.merchantId,
      environment: row.environment,
      source: `crypto_deposit:${row.id}:reversed`,
      type: "crypto_deposit",
      status: "posted",
      sourceObjectId: row.id,
      description: `Reorg: crypto deposit ${row.txHash} left the chain`,
      entries: [
        { account: { kind, currency: FIAT }, amount: -amount },
        { account: { kind: "crypto_custody", currency: FIAT }, amount },
      ],
      at: now,
    });
    members.push(
      sql`from_available as (select ${postingCall(reversal("merchant_available"), { raise: false })} as answer from updated)`,
      sql`from_pending as (select ${postingCall(reversal("merchant_pending"))} from from_available where answer->>'outcome' = 'refused')`,
    );
  }
  const type = reversing ? "crypto.deposit.reversed" : "crypto.deposit.dropped";
  members.push(gatedChangeMembers(ctx, { type, object: toCryptoDeposit(next) }, "updated", "orphaned"));
  if (reversing && payment) {
    const counting = sql`${cryptoPayments.depositIds} @> ${JSON.stringify([row.id])}::jsonb and exists (select 1 from updated)`;
    const update = paymentUpdate(ctx.services, payment.before, payment.next, counting);
    members.push(
      sql`payment_updated as ${update}`,
      gatedChangeMembers(
        ctx,
        {
          type: "crypto.payment.reversed",
          object: toCryptoPayment(payment.next),
          previousAttributes: {
            status: payment.before.status,
            amount_received: payment.before.amountReceived,
            fiat_amount: payment.before.fiatAmount,
          },
        },
        "payment_updated",
        "payment",
      ),
    );
  }
  const counted =
    reversing && amount > 0 ? sql`, (select count(*) from from_pending)::int as from_pending` : sql``;
  return sql`with ${sql.join(members, sql`, `)} select count(*)::int as applied${counted} from updated`;
}
