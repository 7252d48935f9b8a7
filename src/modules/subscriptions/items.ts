import { ApiError } from "../../core/errors";
import { newId } from "../../core/ids";
import { MAX_AMOUNT } from "../../core/money";
import { type PriceRow, priceAmount } from "../prices/service";
import type { SubscriptionItemColumn } from "./tables";

export interface ItemTerms {
  currency: string;
  interval: NonNullable<PriceRow["recurringInterval"]>;
  intervalCount: number;
}

/** A subscription's price: active, recurring (licensed or metered), and of the subscription's currency and interval. */
export function usablePrice(
  prices: PriceRow[],
  id: string,
  terms: ItemTerms | null,
  param: string,
): PriceRow & ItemTerms {
  const price = prices.find((candidate) => candidate.id === id);
  if (!price) throw new ApiError("resource_missing", { param, message: `No such price: ${id}` });
  if (!price.active) throw new ApiError("price_inactive", { param });
  if (price.recurringInterval === null || price.recurringIntervalCount === null) {
    throw new ApiError("subscription_price_invalid", {
      param,
      message: "A subscription takes recurring prices.",
    });
  }
  const own = {
    currency: price.currency,
    interval: price.recurringInterval,
    intervalCount: price.recurringIntervalCount,
  };
  requireSameTerms(terms, own, param);
  return { ...price, ...own };
}

/** Every price of a subscription shares the first one's currency and period (400 subscription_price_invalid). */
export function requireSameTerms(terms: ItemTerms | null, own: ItemTerms, param: string): void {
  if (
    terms &&
    (terms.currency !== own.currency ||
      terms.interval !== own.interval ||
      terms.intervalCount !== own.intervalCount)
  ) {
    throw new ApiError("subscription_price_invalid", {
      param,
      message: `Every price of a subscription is in ${terms.currency} every ${terms.intervalCount} ${terms.interval}(s).`,
    });
  }
}

/**
 * The item of `price` × `quantity`, priced once (prices never change, so neither does the amount);
 * a metered price's item has no quantity (400 parameter_invalid when one is sent) and costs nothing
 * up front: its usage is billed at each renewal.
 */
export function itemOf(
  price: PriceRow,
  quantity: number | undefined,
  param: string,
  id = newId("subscriptionItem"),
): SubscriptionItemColumn {
  const name = price.nickname ?? price.id;
  if (price.meterId !== null) {
    if (quantity !== undefined) {
      throw new ApiError("parameter_invalid", {
        param,
        message: "A metered price's item has no quantity: its usage is billed at the end of each period.",
      });
    }
    return { id, price: price.id, quantity: null, amount: 0, description: name, meter: price.meterId };
  }
  const units = quantity ?? 1;
  const amount = priceAmount(price, units);
  if (amount > BigInt(MAX_AMOUNT)) {
    throw new ApiError("amount_invalid", {
      param,
      message: `The price for this quantity is ${amount}, above ${MAX_AMOUNT}.`,
    });
  }
  return { id, price: price.id, quantity: units, amount: Number(amount), description: `${units} × ${name}` };
}

/**
 * A period's items must fit one invoice: their amounts (each at most MAX_AMOUNT) together too, or
 * the lines written for the period could never be invoiced (400 amount_invalid, nothing written).
 */
export function requireInvoiceable(items: SubscriptionItemColumn[]): void {
  const total = items.reduce((sum, item) => sum + BigInt(item.amount), 0n);
  if (total > BigInt(MAX_AMOUNT)) {
    throw new ApiError("amount_invalid", {
      param: "items",
      message: `The items cost ${total} a period together, above ${MAX_AMOUNT}.`,
    });
  }
}
