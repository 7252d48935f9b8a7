import { and, eq, ne, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { type AccountRef, type EntryInput, lockAccounts, post } from "../../core/ledger";
import { merchants } from "../../core/tables";
import { tenantScope } from "../../core/tenancy";
import { pendingFundsOf } from "../payments/service";
import type { PaymentRow } from "../payments/tables";
import type { PaymentProvider } from "../providers/types";
import { type RefundFundingColumn, refunds } from "./tables";

/** The operator's per-merchant limit, else the configured default (zero unless configured). */
async function negativeBalanceLimit(ctx: ServiceContext, tx: Executor): Promise<number> {
  const [row] = await tx
    .select({ limit: merchants.negativeBalanceLimit })
    .from(merchants)
    .where(eq(merchants.id, ctx.merchantId))
    .limit(1);
  return row?.limit ?? ctx.services.config.NEGATIVE_BALANCE_LIMIT;
}

/**
 * The provider's fee already given back by the payment's other refunds. A refund left waiting for
 * money is funded after the one that completed the payment: both count as full, and the fee must
 * come back once in all.
 */
async function feeReturnedBefore(
  ctx: ServiceContext,
  paymentId: string,
  refundId: string,
  tx: Executor,
): Promise<number> {
  const [row] = await tx
    .select({
      total: sql<string>`coalesce(sum((${refunds.funding}->>'feeReturned')::bigint), 0)`,
    })
    .from(refunds)
    .where(
      and(
        ...tenantScope(refunds, ctx),
        eq(refunds.paymentId, paymentId),
        ne(refunds.id, refundId),
        ne(refunds.status, "failed"),
      ),
    );
  return Number(row?.total ?? 0);
}

/**
 * Funds a refund in the caller's transaction, or answers null when it must wait for money:
 * first the payment's own funds still pending, then available, then (beyond both) the merchant's
 * balance (available + pending) may go below zero down to its limit; the shortfall is drawn from
 * pending, which the next settlements pay back. The provider's fee comes back on a full refund
 * where the provider returns it. Idempotent on `refund:{id}:funded`.
 */
export async function fundRefund(
  ctx: ServiceContext,
  options: {
    payment: PaymentRow;
    refundId: string;
    amount: number;
    full: boolean;
    provider: PaymentProvider;
  },
  tx: Executor,
): Promise<RefundFundingColumn | null> {
  const { payment, amount } = options;
  const currency = payment.currency;
  const feeReturned =
    options.full && options.provider.returnsFeeOnFullRefund
      ? Math.min(payment.fee - (await feeReturnedBefore(ctx, payment.id, options.refundId, tx)), amount)
      : 0;
  const share = amount - feeReturned;
  const fromPending = Math.min(share, pendingFundsOf(payment));
  const pending: AccountRef = { kind: "merchant_pending", currency };
  const available: AccountRef = { kind: "merchant_available", currency };
  const clearing: AccountRef = { kind: `provider_clearing:${payment.provider ?? "unknown"}`, currency };
  const fees: AccountRef = { kind: "fees", currency };
  const now = ctx.services.clock.now();
  const owner = { merchantId: ctx.merchantId, environment: ctx.environment };
  const accounts = await lockAccounts(owner, [pending, available, clearing, fees], now, tx);
  const availableBalance = Math.max(0, accounts.get(`${currency}|merchant_available`)?.balance ?? 0);
  const pendingBalance = accounts.get(`${currency}|merchant_pending`)?.balance ?? 0;
  const fromAvailable = Math.min(share - fromPending, availableBalance);
  const negative = share - fromPending - fromAvailable;
  if (negative > 0) {
    const after = availableBalance - fromAvailable + (pendingBalance - fromPending - negative);
    if (after < -(await negativeBalanceLimit(ctx, tx))) return null;
  }
  const entries: EntryInput[] = [{ account: clearing, amount }];
  if (fromPending + negative > 0) entries.push({ account: pending, amount: -(fromPending + negative) });
  if (fromAvailable > 0) entries.push({ account: available, amount: -fromAvailable });
  if (feeReturned > 0) entries.push({ account: fees, amount: -feeReturned });
  await post(
    {
      ...owner,
      source: `refund:${options.refundId}:funded`,
      type: "refund",
      status: "posted",
      sourceObjectId: options.refundId,
      description: `Refund of ${payment.id}`,
      entries,
      at: now,
    },
    tx,
  );
  return { pending: fromPending, available: fromAvailable, negative, feeReturned };
}

/** Gives a failed refund's money back exactly where it came from. */
export async function reverseRefundFunding(
  ctx: ServiceContext,
  options: {
    refundId: string;
    paymentId: string;
    provider: string;
    currency: string;
    amount: number;
    funding: RefundFundingColumn;
  },
  tx: Executor,
): Promise<void> {
  const { funding, currency } = options;
  const entries: EntryInput[] = [
    { account: { kind: `provider_clearing:${options.provider}`, currency }, amount: -options.amount },
  ];
  if (funding.pending + funding.negative > 0)
    entries.push({
      account: { kind: "merchant_pending", currency },
      amount: funding.pending + funding.negative,
    });
  if (funding.available > 0)
    entries.push({ account: { kind: "merchant_available", currency }, amount: funding.available });
  if (funding.feeReturned > 0)
    entries.push({ account: { kind: "fees", currency }, amount: funding.feeReturned });
  await post(
    {
      merchantId: ctx.merchantId,
      environment: ctx.environment,
      source: `refund:${options.refundId}:reversed`,
      type: "refund",
      status: "posted",
      sourceObjectId: options.refundId,
      description: `Failed refund of ${options.paymentId} given back`,
      entries,
      at: ctx.services.clock.now(),
    },
    tx,
  );
}
