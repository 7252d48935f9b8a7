import { type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Transaction } from "../../core/db";
import { raisedRefusal } from "../../core/db-errors";
import { ApiError, type ErrorCode } from "../../core/errors";
import { businessVerifications, individualVerifications } from "./tables";

/**
 * Every verification gate of the platform, as named checks of one policy:
 * - payout: production payouts need the merchant's KYB approved;
 * - card_issuing: issuing production cards needs the merchant's KYB approved;
 * - card_activation: a card is activated only for a cardholder (customer) with approved KYC, in
 *   both environments (sandbox KYC is instant against the local Veriff double);
 * - payment: production payments need approved KYB once the merchant's production volume in the
 *   payment's currency would pass KYB_UNVERIFIED_VOLUME_LIMIT.
 * Sandbox never needs KYB.
 */
export type PolicyCheck =
  | { name: "payout" }
  | { name: "card_issuing" }
  | { name: "card_activation"; customerId: string }
  | { name: "payment"; amount: number; currency: string };

export interface PolicyFacts {
  kybStatus: string | null;
  cardholderApproved: boolean;
  volume: number;
}

/**
 * The facts a check needs, as one statement for the caller's read batch: the account's KYB status,
 * whether the cardholder has an approved KYC, and the production volume taken in the currency.
 */
export function policyQuery(ctx: ServiceContext, check: PolicyCheck): SQL {
  const customerId = check.name === "card_activation" ? check.customerId : "";
  const volume =
    check.name === "payment" && ctx.environment === "production"
      ? productionVolume(ctx, check.currency)
      : sql`0`;
  return sql`select
    (select status from ${businessVerifications} where merchant_id = ${ctx.merchantId}
      and environment = ${ctx.environment}) as kyb_status,
    exists (select 1 from ${individualVerifications} where merchant_id = ${ctx.merchantId}
      and environment = ${ctx.environment} and customer_id = ${customerId} and status = 'approved') as cardholder_approved,
    ${volume}::bigint as volume`;
}

/** The merchant's production payment volume in `currency`: what KYB_UNVERIFIED_VOLUME_LIMIT bounds. */
function productionVolume(ctx: ServiceContext, currency: string): SQL {
  // Payments are read by table name: the payments module owns the table and sums nothing for us.
  return sql`(select coalesce(sum(amount), 0) from payments where merchant_id = ${ctx.merchantId}
    and environment = 'production' and currency = ${currency}
    and status not in ('failed', 'canceled', 'requires_payment_method'))`;
}

/**
 * Taken before the volume is summed for a write, until the transaction ends: per merchant and
 * currency, each such check then reads the volume of the writes before it, committed.
 */
function volumeLock(ctx: ServiceContext, currency: string): SQL {
  const key = `kyb_volume:${ctx.merchantId}:${ctx.environment}:${currency}`;
  return sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

function volumeRefusal(ctx: Pick<ServiceContext, "services">, currency: string): ApiError {
  const limit = ctx.services.config.KYB_UNVERIFIED_VOLUME_LIMIT;
  return new ApiError("account_verification_required", {
    param: "amount",
    message: `Production payments above ${limit} (minor units of ${currency}) need the account's business verification (KYB) approved.`,
  });
}

/** The facts from policyQuery's result (neon-http or node-postgres shape). */
export function policyFacts(result: unknown): PolicyFacts {
  const row = (result as { rows?: Array<Record<string, unknown>> }).rows?.[0] ?? {};
  return {
    kybStatus: typeof row.kyb_status === "string" ? row.kyb_status : null,
    cardholderApproved: row.cardholder_approved === true,
    volume: Number(row.volume ?? 0),
  };
}

/** Decides a check from its facts, with no I/O; a refusal is an ApiError with its own code. */
export function decidePolicy(
  ctx: Pick<ServiceContext, "environment" | "services">,
  check: PolicyCheck,
  facts: PolicyFacts,
): void {
  const kybApproved = facts.kybStatus === "approved";
  switch (check.name) {
    case "payout":
    case "card_issuing":
      if (ctx.environment === "production" && !kybApproved) {
        throw new ApiError("account_verification_required", {
          message:
            check.name === "payout"
              ? "Production payouts need the account's business verification (KYB) approved."
              : "Issuing production cards needs the account's business verification (KYB) approved.",
        });
      }
      return;
    case "card_activation":
      if (!facts.cardholderApproved)
        throw new ApiError("cardholder_verification_required", { param: "customer" });
      return;
    case "payment": {
      if (ctx.environment !== "production" || kybApproved) return;
      if (facts.volume + check.amount > ctx.services.config.KYB_UNVERIFIED_VOLUME_LIMIT) {
        throw volumeRefusal(ctx, check.currency);
      }
      return;
    }
  }
}

/** Runs one check: one read, then the decision. */
export async function enforcePolicy(ctx: ServiceContext, check: PolicyCheck): Promise<void> {
  decidePolicy(ctx, check, policyFacts(await ctx.services.db.execute(policyQuery(ctx, check))));
}

/**
 * For the payments area: the payment check when a payment created without a payment method (not
 * yet volume) is confirmed, inside the confirming transaction. The transaction-scoped advisory lock
 * serializes these checks per merchant, environment and currency, so each reads the volume the
 * confirmations before it committed.
 */
export async function assertPaymentVolumeAllowed(
  ctx: ServiceContext,
  check: { amount: number; currency: string },
  tx: Transaction,
): Promise<void> {
  if (ctx.environment !== "production") return;
  const gate: PolicyCheck = { name: "payment", ...check };
  await tx.execute(volumeLock(ctx, check.currency));
  decidePolicy(ctx, gate, policyFacts(await tx.execute(policyQuery(ctx, gate))));
}

/**
 * The payment check again at write time, for the batch that creates a production payment of a
 * merchant without approved KYB (none otherwise), after the payment's insert: under the volume
 * lock, the volume with this payment must stay within the limit, or the batch rolls back (MP020,
 * paymentVolumeRefusal). The read-time check alone let parallel creates each pass on the volume
 * before the others.
 */
export function paymentVolumeGate(ctx: ServiceContext, currency: string, facts: PolicyFacts): SQL[] {
  if (ctx.environment !== "production" || facts.kybStatus === "approved") return [];
  const limit = ctx.services.config.KYB_UNVERIFIED_VOLUME_LIMIT;
  return [
    volumeLock(ctx, currency),
    sql`select billing_require(${productionVolume(ctx, currency)} <= ${limit}, ${VOLUME_REFUSAL})`,
  ];
}

const VOLUME_REFUSAL: ErrorCode = "account_verification_required";

/** paymentVolumeGate's refusal raised in a batch, as the API error; undefined for anything else. */
export function paymentVolumeRefusal(
  ctx: Pick<ServiceContext, "services">,
  currency: string,
  error: unknown,
): ApiError | undefined {
  return raisedRefusal(error) === VOLUME_REFUSAL ? volumeRefusal(ctx, currency) : undefined;
}

/** For the payouts area: call before creating a payout. */
export function assertCanPayOut(ctx: ServiceContext): Promise<void> {
  return enforcePolicy(ctx, { name: "payout" });
}

/** For the cards area: call before issuing a card. */
export function assertCanIssueCards(ctx: ServiceContext): Promise<void> {
  return enforcePolicy(ctx, { name: "card_issuing" });
}

/** For the cards area: call before activating a card for a cardholder (customer). */
export function assertCardholderVerified(ctx: ServiceContext, customerId: string): Promise<void> {
  return enforcePolicy(ctx, { name: "card_activation", customerId });
}
