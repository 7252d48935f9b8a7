import { and, eq, inArray, like, or } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor, Transaction } from "../../core/db";
import { ApiError } from "../../core/errors";
import { ledgerAccounts } from "../../core/ledger/tables";
import { tenantScope } from "../../core/tenancy";
import { requireCustomer } from "../customers/service";
import type { PaymentMethodData } from "../payment-methods/schemas";
import {
  behaviorForAmount,
  findMethodType,
  insertPaymentMethod,
  methodSupports,
  type PreparedPaymentMethod,
  preparePaymentMethod,
  usablePaymentMethod,
} from "../payment-methods/service";
import type { PaymentMethodRow } from "../payment-methods/tables";
import type { CardSource } from "../providers/types";
import type { PaymentRow } from "./tables";

/** The method a payment will use: a saved one, or inline data saved now (without the card). */
export interface ResolvedMethod {
  row: PaymentMethodRow;
  card: CardSource | null;
}

export async function resolveMethod(
  ctx: ServiceContext,
  options: { savedId: string | undefined; prepared: PreparedPaymentMethod | null; customerId: string | null },
  tx: Transaction,
): Promise<ResolvedMethod | null> {
  if (options.savedId && options.prepared) {
    throw new ApiError("parameter_invalid", {
      param: "payment_method_data",
      message: "Send payment_method or payment_method_data, not both.",
    });
  }
  if (options.savedId) {
    return {
      row: await usablePaymentMethod({ ctx, id: options.savedId, customerId: options.customerId }, tx),
      card: null,
    };
  }
  if (options.prepared) {
    const row = await insertPaymentMethod(
      { ctx, prepared: options.prepared, customerId: null, metadata: {} },
      tx,
    );
    return { row, card: options.prepared.card };
  }
  return null;
}

export async function prepareInline(ctx: ServiceContext, data: PaymentMethodData | undefined) {
  return data ? preparePaymentMethod(ctx, data, "payment_method_data") : null;
}

/** Checks the method against the catalog before any provider is called. */
export function checkSupport(
  method: PaymentMethodRow,
  payment: Pick<PaymentRow, "currency" | "captureMethod">,
  country: string | null,
): void {
  const type = findMethodType(method.type);
  if (!type) throw new ApiError("payment_method_unsupported", { param: "payment_method" });
  const support = methodSupports(type, payment.currency, country);
  if (!support.ok) {
    throw new ApiError("payment_method_unsupported", {
      param: support.reason === "currency" ? "currency" : "payment_method",
      message:
        support.reason === "currency"
          ? `${type.name} does not support ${payment.currency}; it takes ${type.currencies.join(", ")}.`
          : `${type.name} is not available in ${country}; it serves ${type.countries.join(", ")}.`,
    });
  }
  if (payment.captureMethod === "manual" && !type.manualCapture) {
    throw new ApiError("payment_method_unsupported", {
      param: "capture_method",
      message: `${type.name} does not support manual capture.`,
    });
  }
}

export async function routingCountry(
  ctx: ServiceContext,
  method: PaymentMethodRow,
  customerId: string | null,
  tx: Executor,
): Promise<string | null> {
  if (method.card?.country) return method.card.country;
  if (method.billing.country) return method.billing.country;
  return customerId ? (await requireCustomer({ ctx, id: customerId, param: "customer" }, tx)).country : null;
}

export function sandboxBehavior(
  ctx: ServiceContext,
  method: PaymentMethodRow,
  amount: number,
): string | null {
  if (ctx.environment !== "sandbox") return null;
  if (method.sandboxBehavior) return method.sandboxBehavior;
  return method.type === "card" || method.type === "upi" ? null : behaviorForAmount(amount);
}

export function methodDetails(method: PaymentMethodRow) {
  return {
    type: method.type,
    card: method.card,
    upi: method.upiVpa === null ? null : { vpa: method.upiVpa },
  };
}

/**
 * Check before you call: a payment whose capture could never be posted (a balance it touches
 * would pass the largest supported amount) is refused before any provider sees it. One read of
 * the running balances, no lock, in the caller's read batch (postableQuery, then checkPostable);
 * the posting's own check stays the last word.
 */
export function postableQuery(ctx: ServiceContext, currency: string) {
  return ctx.services.db
    .select({ kind: ledgerAccounts.kind, balance: ledgerAccounts.balance })
    .from(ledgerAccounts)
    .where(
      and(
        ...tenantScope(ledgerAccounts, ctx),
        eq(ledgerAccounts.currency, currency),
        or(
          inArray(ledgerAccounts.kind, ["merchant_pending", "merchant_available", "fees"]),
          like(ledgerAccounts.kind, "provider_clearing:%"),
        ),
      ),
    );
}

export function checkPostable(
  rows: ReadonlyArray<{ kind: string; balance: number }>,
  amount: number,
  providers: readonly string[],
): void {
  const clearing = new Set(providers.map((provider) => `provider_clearing:${provider}`));
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  const big = BigInt(amount);
  const exceeds = rows.some((row) => {
    const balance = BigInt(row.balance);
    if (row.kind.startsWith("provider_clearing:")) return clearing.has(row.kind) && balance - big < -max;
    return balance + big > max;
  });
  if (exceeds) {
    throw new ApiError("amount_invalid", {
      param: "amount",
      message:
        "This payment would take a balance beyond the largest supported value; nothing was sent to a provider.",
    });
  }
}
