import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Services } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { systemContext } from "../../core/http";
import type { ChainInfo } from "./networks";
import { toCryptoPayment } from "./payments";
import { type CryptoDepositRow, type CryptoPaymentRow, cryptoDeposits, cryptoPayments } from "./tables";

export interface PaymentReport {
  partially_paid: number;
  completed: number;
  expired: number;
}

const OPEN: CryptoPaymentRow["status"][] = ["open", "partially_paid"];

/**
 * A payment's next state from the credited deposits it has not counted yet, with no I/O. It counts
 * a deposit to its address and asset detected between its creation and its expiry; it completes
 * when what it counted reaches the amount due (the excess is `overpaid_amount`), and otherwise
 * expires at `expires_at`, partially paid or not. What it received stays credited to the merchant
 * either way: each deposit was credited on its own.
 */
export function nextPayment(
  payment: CryptoPaymentRow,
  deposits: CryptoDepositRow[],
  now: Date,
): { row: CryptoPaymentRow; type: string } | undefined {
  const counted = deposits
    .filter(
      (deposit) =>
        deposit.addressId === payment.addressId &&
        deposit.asset === payment.asset &&
        deposit.createdAt >= payment.createdAt &&
        deposit.createdAt < payment.expiresAt &&
        !payment.depositIds.includes(deposit.id),
    )
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const received = counted.reduce(
    (sum, deposit) => sum + BigInt(deposit.amount),
    BigInt(payment.amountReceived),
  );
  const fiatAmount = counted.reduce((sum, deposit) => sum + (deposit.fiatAmount ?? 0), payment.fiatAmount);
  const due = BigInt(payment.amountDue);
  const expired = now >= payment.expiresAt;
  if (counted.length === 0 && !expired) return undefined;
  const base = {
    ...payment,
    amountReceived: received.toString(),
    fiatAmount,
    depositIds: [...payment.depositIds, ...counted.map((deposit) => deposit.id)],
    updatedAt: now,
  };
  if (received >= due) {
    const row: CryptoPaymentRow = {
      ...base,
      status: "completed",
      overpaidAmount: (received - due).toString(),
      completedAt: now,
    };
    return { row, type: "crypto.payment.completed" };
  }
  if (expired) return { row: { ...base, status: "expired", expiredAt: now }, type: "crypto.payment.expired" };
  return { row: { ...base, status: "partially_paid" }, type: "crypto.payment.partially_paid" };
}

/**
 * A payment after a deposit it counted left the chain (the deposit was reversed, and its credit with
 * it): the deposit's amount and fiat value come off, and the status follows what is left. Still at
 * or above the amount due: completed (less overpaid). Below it: expired once `expires_at` has
 * passed (or when `reopenable` is false: the merchant opened another payment on the address and
 * asset since, which takes the deposits from now on); else `partially_paid`, or `open` with
 * nothing left. A re-mined transaction is a new deposit and is counted again by the matching.
 */
export function afterReversal(
  payment: CryptoPaymentRow,
  deposit: CryptoDepositRow,
  now: Date,
  reopenable: boolean,
): CryptoPaymentRow {
  const received = BigInt(payment.amountReceived) - BigInt(deposit.amount);
  const due = BigInt(payment.amountDue);
  const base: CryptoPaymentRow = {
    ...payment,
    amountReceived: received.toString(),
    fiatAmount: payment.fiatAmount - (deposit.fiatAmount ?? 0),
    depositIds: payment.depositIds.filter((id) => id !== deposit.id),
    updatedAt: now,
  };
  if (received >= due) return { ...base, overpaidAmount: (received - due).toString() };
  const open = { ...base, overpaidAmount: null, completedAt: null };
  if (now >= payment.expiresAt || !reopenable) {
    return { ...open, status: "expired", expiredAt: payment.expiredAt ?? now };
  }
  return { ...open, status: received > 0n ? "partially_paid" : "open", expiredAt: null };
}

/** A crypto payment that counted a deposit being reversed, before and after (see afterReversal). */
export interface PaymentReversal {
  before: CryptoPaymentRow;
  next: CryptoPaymentRow;
}

/**
 * For each credited deposit a reorg removes, the reversal of the payment that counted it, if any.
 * Each starts from the state the previous one left that payment in: the statements run in order
 * in one batch, and each compare-and-sets on the state before it. `payments` holds the chain's
 * open ones too, so a payment is not reopened next to another open one.
 */
export function paymentReversals(payments: CryptoPaymentRow[], now: Date) {
  const current = new Map(payments.map((payment) => [payment.id, payment]));
  return (deposit: CryptoDepositRow): PaymentReversal | undefined => {
    if (deposit.status !== "credited") return undefined;
    const before = [...current.values()].find((payment) => payment.depositIds.includes(deposit.id));
    if (!before) return undefined;
    const reopenable = ![...current.values()].some(
      (other) =>
        other.id !== before.id &&
        other.addressId === before.addressId &&
        other.asset === before.asset &&
        OPEN.includes(other.status),
    );
    const next = afterReversal(before, deposit, now, reopenable);
    current.set(before.id, next);
    return { before, next };
  };
}

/** The payment's fields a change writes, compare-and-set on the status and amount it was read with. */
export function paymentUpdate(
  services: Services,
  before: CryptoPaymentRow,
  next: CryptoPaymentRow,
  condition: SQL | undefined,
) {
  return services.db
    .update(cryptoPayments)
    .set({
      status: next.status,
      amountReceived: next.amountReceived,
      fiatAmount: next.fiatAmount,
      overpaidAmount: next.overpaidAmount,
      depositIds: next.depositIds,
      completedAt: next.completedAt,
      expiredAt: next.expiredAt,
      updatedAt: next.updatedAt,
    })
    .where(
      and(
        eq(cryptoPayments.id, before.id),
        eq(cryptoPayments.status, before.status),
        eq(cryptoPayments.amountReceived, before.amountReceived),
        condition,
      ),
    )
    .returning({ id: cryptoPayments.id });
}

function changedStatement(
  services: Services,
  before: CryptoPaymentRow,
  next: CryptoPaymentRow,
  type: string,
): SQL {
  const ctx = systemContext(services, before, "deposit-poll");
  const added = next.depositIds.filter((id) => !before.depositIds.includes(id));
  // Compare-and-set on what was read: a deposit is counted once, whatever runs at the same time,
  // and only while it is still credited (a reorg may have reversed it since it was read).
  const stillCredited =
    added.length === 0
      ? undefined
      : sql`not exists (select 1 from ${cryptoDeposits} where ${inArray(cryptoDeposits.id, added)} and ${cryptoDeposits.status} <> 'credited')`;
  const update = paymentUpdate(services, before, next, stillCredited);
  const event = gatedChangeMembers(ctx, { type, object: toCryptoPayment(next) }, "updated", "payment");
  return sql`with updated as ${update}, ${event} select count(*)::int as applied from updated`;
}

/**
 * After a poll of the chain: its open payments take the credited deposits made to them, complete,
 * or expire. One read batch and one write batch, only when the chain has open payments.
 */
export async function settleCryptoPayments(services: Services, chain: ChainInfo): Promise<PaymentReport> {
  const report: PaymentReport = { partially_paid: 0, completed: 0, expired: 0 };
  const { db } = services;
  const openOnChain = and(eq(cryptoPayments.chain, chain.key), inArray(cryptoPayments.status, OPEN));
  const [payments, deposits] = await db.batch([
    db.select().from(cryptoPayments).where(openOnChain),
    db
      .select()
      .from(cryptoDeposits)
      .where(
        and(
          eq(cryptoDeposits.status, "credited"),
          inArray(
            cryptoDeposits.addressId,
            db.select({ id: cryptoPayments.addressId }).from(cryptoPayments).where(openOnChain),
          ),
        ),
      ),
  ]);
  const now = services.clock.now();
  const statements = payments.flatMap((payment) => {
    const next = nextPayment(payment, deposits, now);
    if (!next) return [];
    report[next.row.status as keyof PaymentReport] += 1;
    return [db.execute(changedStatement(services, payment, next.row, next.type))];
  });
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  return report;
}
