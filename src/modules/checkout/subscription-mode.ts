import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import type { intervals } from "../prices/schemas";
import { createPrice, priceTerms } from "../prices/service";
import { createProduct } from "../products/service";
import type { LineItemColumn, SubscriptionDataColumn } from "./tables";

type Interval = (typeof intervals)[number];
type InlinePrice = {
  currency: string;
  unitAmount: number;
  name: string;
  recurring?: { interval: string; intervalCount: number } | undefined;
};

/**
 * The period of an inline price: required in subscription mode (400 subscription_price_invalid
 * without it), refused in payment mode, and within the prices module's limits (three years).
 */
export function inlineRecurring(
  data: InlinePrice,
  subscription: boolean,
  param: string,
): LineItemColumn["recurring"] {
  const recurring = data.recurring ?? null;
  if (!subscription) {
    if (recurring) {
      throw new ApiError("checkout_line_items_invalid", {
        param: `${param}.recurring`,
        message: "A recurring price_data goes with mode: subscription.",
      });
    }
    return null;
  }
  if (!recurring) {
    throw new ApiError("subscription_price_invalid", {
      param: `${param}.recurring`,
      message: "Subscription mode takes recurring prices: send price_data.recurring.",
    });
  }
  try {
    priceTerms({
      product: "",
      currency: data.currency,
      unit_amount: data.unitAmount,
      recurring: { interval: recurring.interval as Interval, interval_count: recurring.intervalCount },
    });
  } catch (error) {
    if (error instanceof ApiError) {
      throw new ApiError(error.code, {
        param: `${param}.${error.param ?? "recurring"}`,
        message: error.message,
      });
    }
    throw error;
  }
  return recurring;
}

const DAY_MS = 86_400_000;

/**
 * The subscription's trial, checked as POST /subscriptions checks it, with one more rule: a
 * trial_end must come after the session's expiry, so it is still in the future whenever the
 * customer completes the page.
 */
export function subscriptionDataOf(
  data: SubscriptionDataColumn | null,
  expiresAt: Date,
): SubscriptionDataColumn {
  const own = data ?? { trialPeriodDays: null, trialEnd: null, metadata: {} };
  if (own.trialPeriodDays !== null && own.trialEnd !== null) {
    throw new ApiError("parameter_invalid", {
      param: "subscription_data.trial_end",
      message: "Send trial_end or trial_period_days.",
    });
  }
  if (own.trialEnd !== null && Date.parse(own.trialEnd) <= expiresAt.getTime()) {
    throw new ApiError("parameter_invalid", {
      param: "subscription_data.trial_end",
      message: `trial_end must be after the session's expires_at (${expiresAt.toISOString()}).`,
    });
  }
  return own;
}

/** Days of trial to show: trial_period_days, or the whole days left until trial_end (rounded up). */
export function trialDaysOf(data: SubscriptionDataColumn | null, now: Date): number | null {
  if (!data) return null;
  if (data.trialPeriodDays !== null) return data.trialPeriodDays;
  if (data.trialEnd === null) return null;
  return Math.max(1, Math.ceil((Date.parse(data.trialEnd) - now.getTime()) / DAY_MS));
}

/**
 * Subscription mode: each inline price becomes a product and a recurring price of the catalog
 * (through their own verbs), since a subscription's items are prices. The verbs run without the
 * request's Idempotency-Key, which the session's own write batch claims.
 */
export async function createInlinePrices(
  ctx: ServiceContext,
  lines: LineItemColumn[],
): Promise<LineItemColumn[]> {
  const plain: ServiceContext = { ...ctx, services: { ...ctx.services, idempotency: undefined } };
  const stored: LineItemColumn[] = [];
  for (const line of lines) {
    if (line.price !== null || !line.recurring) {
      stored.push(line);
      continue;
    }
    const product = await createProduct({ ctx: plain, input: { name: line.description } });
    const price = await createPrice({
      ctx: plain,
      input: {
        product: product.id,
        currency: line.currency,
        unit_amount: line.terms.unitAmount ?? 0,
        recurring: {
          interval: line.recurring.interval as Interval,
          interval_count: line.recurring.intervalCount,
        },
      },
    });
    stored.push({ ...line, price: price.id, product: product.id });
  }
  return stored;
}
