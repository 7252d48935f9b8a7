import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { newId } from "../../core/ids";
import { countryOf, customerAddressQuery } from "../customers/service";
import { pricesQuery } from "../prices/service";
import { productsQuery } from "../products/service";
import { type ItemTerms, requireSameTerms, usablePrice } from "../subscriptions/service";
import { discountAtCreate } from "./discounts";
import { lineAmount, toCheckoutSession } from "./rows";
import {
  type CheckoutSession,
  type CreateCheckoutSessionInput,
  EXPIRY_MAX_SECONDS,
  EXPIRY_MIN_SECONDS,
  QUANTITY_MAX,
} from "./schemas";
import { createInlinePrices, inlineRecurring, subscriptionDataOf } from "./subscription-mode";
import {
  type CheckoutMode,
  type CheckoutSessionRow,
  checkoutSessions,
  type LineItemColumn,
  type SubscriptionDataColumn,
} from "./tables";

/** One line as asked for: a price of the catalog, or an inline price per unit (recurring in subscription mode). */
export interface LineItemRequest {
  price?: string | undefined;
  priceData?:
    | {
        currency: string;
        unitAmount: number;
        name: string;
        recurring?: { interval: string; intervalCount: number } | undefined;
      }
    | undefined;
  quantity: number;
  adjustable?: { minimum: number; maximum: number } | null | undefined;
}

/** What a session is opened with, from the API or from a payment link. */
export interface SessionSpec {
  /** Default payment (payment links open payment sessions). */
  mode?: CheckoutMode;
  /** Subscription mode: the trial and metadata of the subscription made on completion. */
  subscriptionData?: SubscriptionDataColumn | null;
  lineItems: LineItemRequest[];
  customAmount?: { currency: string; minimum: number; maximum: number; preset: number | null; name: string };
  customerId: string | null;
  customerEmail: string | null;
  successUrl: string | null;
  cancelUrl: string | null;
  completionMessage: string | null;
  paymentMethodTypes: string[];
  locale: CheckoutSessionRow["locale"];
  allowPromotionCodes: boolean;
  /** Payment mode: a coupon or promotion code the merchant applies (API `discounts`). */
  discount?: { coupon?: string | undefined; promotion_code?: string | undefined } | null;
  paymentLinkId: string | null;
  expiresAt: Date | null;
  metadata: Record<string, string>;
}

export function lineItemsInvalid(param: string, message: string): ApiError {
  return new ApiError("checkout_line_items_invalid", { param, message });
}

/** The expiry the merchant asked for, within 30 minutes to 24 hours from now (default 24 hours). */
function expiryOf(now: Date, expiresAt: Date | null): Date {
  if (!expiresAt) return new Date(now.getTime() + EXPIRY_MAX_SECONDS * 1000);
  const seconds = (expiresAt.getTime() - now.getTime()) / 1000;
  if (seconds < EXPIRY_MIN_SECONDS || seconds > EXPIRY_MAX_SECONDS) {
    throw new ApiError("parameter_invalid", {
      param: "expires_at",
      message: "expires_at must be 30 minutes to 24 hours from now.",
    });
  }
  return expiresAt;
}

/**
 * Opens a session: one read batch (the prices, their products, the customer), the lines priced in
 * TypeScript, one write batch (the Idempotency-Key claim, the row, the stored response).
 */
export async function openCheckoutSession({
  ctx,
  spec,
}: {
  ctx: ServiceContext;
  spec: SessionSpec;
}): Promise<CheckoutSession> {
  const priceIds = spec.lineItems.flatMap((item) => (item.price ? [item.price] : []));
  const { db } = ctx.services;
  const [priceRows, customerRows] = await db.batch([
    pricesQuery(ctx, priceIds.length > 0 ? priceIds : [""]),
    customerAddressQuery({ ctx, id: spec.customerId ?? null }),
  ]);
  if (spec.customerId) countryOf(customerRows, spec.customerId, "customer");
  const productIds = priceRows.map((row) => row.productId);
  const productRows = productIds.length > 0 ? await productsQuery(ctx, productIds) : [];
  const prices = new Map(priceRows.map((row) => [row.id, row]));
  const names = new Map(productRows.map((row) => [row.id, row.name]));
  const subscription = spec.mode === "subscription";
  // Subscription mode: every price shares the first one's currency and period, as POST /subscriptions asks.
  let terms: ItemTerms | null = null;

  const lines: LineItemColumn[] = spec.lineItems.map((item, index) => {
    const param = `line_items[${index}]`;
    if (
      item.adjustable &&
      (item.quantity < item.adjustable.minimum || item.quantity > item.adjustable.maximum)
    ) {
      throw lineItemsInvalid(`${param}.quantity`, "quantity must be within adjustable_quantity's bounds.");
    }
    if (item.priceData) {
      const recurring = inlineRecurring(item.priceData, subscription, `${param}.price_data`);
      if (recurring) {
        const own = { currency: item.priceData.currency, ...recurring } as ItemTerms;
        requireSameTerms(terms, own, `${param}.price_data`);
        terms ??= own;
      }
      return {
        price: null,
        product: null,
        description: item.priceData.name,
        currency: item.priceData.currency,
        quantity: item.quantity,
        terms: perUnit(item.priceData.unitAmount),
        adjustable: item.adjustable ?? null,
        customAmount: null,
        recurring,
      };
    }
    const price = prices.get(item.price ?? "");
    if (!price) {
      throw new ApiError("resource_missing", {
        param: `${param}.price`,
        message: `No such price: ${item.price}`,
      });
    }
    if (price.meterId && subscription) {
      // Checkout would show and charge the quantity up front; a metered item is billed in arrears.
      throw new ApiError("subscription_price_invalid", {
        param: `${param}.price`,
        message: `Price ${price.id} is metered: subscribe to it through POST /subscriptions.`,
      });
    }
    let recurring: LineItemColumn["recurring"] = null;
    if (subscription) {
      // The subscriptions module's own checks and codes: active, recurring, licensed, same terms.
      const usable = usablePrice(priceRows, price.id, terms, `${param}.price`);
      terms ??= { currency: usable.currency, interval: usable.interval, intervalCount: usable.intervalCount };
      recurring = { interval: usable.interval, intervalCount: usable.intervalCount };
    } else if (!price.active) {
      throw lineItemsInvalid(`${param}.price`, `Price ${price.id} is archived.`);
    } else if (price.recurringInterval) {
      throw lineItemsInvalid(
        `${param}.price`,
        `Price ${price.id} is recurring; payment mode takes one-time prices.`,
      );
    }
    if (price.meterId && !subscription) {
      throw lineItemsInvalid(`${param}.price`, `Price ${price.id} is metered.`);
    }
    if (item.adjustable && price.pricingModel !== "per_unit") {
      throw lineItemsInvalid(
        `${param}.adjustable_quantity`,
        "Only per-unit prices can have an adjustable quantity.",
      );
    }
    return {
      price: price.id,
      product: price.productId,
      description: price.nickname ?? names.get(price.productId) ?? price.id,
      currency: price.currency,
      quantity: item.quantity,
      terms: {
        pricingModel: price.pricingModel,
        unitAmount: price.unitAmount,
        packageSize: price.packageSize,
        packageRounding: price.packageRounding,
        tiersMode: price.tiersMode,
        tiers: price.tiers,
      },
      adjustable: item.adjustable ?? null,
      customAmount: null,
      recurring,
    };
  });
  if (spec.customAmount) {
    const { currency, minimum, maximum, preset, name } = spec.customAmount;
    lines.push({
      price: null,
      product: null,
      description: name,
      currency,
      quantity: 1,
      terms: perUnit(preset ?? minimum),
      adjustable: null,
      customAmount: { minimum, maximum, preset },
    });
  }
  const [first] = lines;
  if (!first) throw lineItemsInvalid("line_items", "A session needs at least one line item.");
  const mixed = lines.findIndex((line) => line.currency !== first.currency);
  if (mixed >= 0) {
    throw lineItemsInvalid(`line_items[${mixed}]`, "Every line item must be in the same currency.");
  }
  const subtotal = sessionTotal(lines);
  const preset = spec.discount
    ? await discountAtCreate(ctx, spec.discount, {
        lines,
        currency: first.currency,
        customerId: spec.customerId,
      })
    : null;
  const amountTotal = subtotal - (preset?.discount ?? 0);

  const now = ctx.services.clock.now();
  const expiresAt = expiryOf(now, spec.expiresAt);
  const subscriptionData = subscription ? subscriptionDataOf(spec.subscriptionData ?? null, expiresAt) : null;
  // Inline recurring prices become a product and a price of the catalog, once everything else is checked.
  const stored = subscription ? await createInlinePrices(ctx, lines) : lines;
  const row: CheckoutSessionRow = {
    id: newId("checkoutSession"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    status: "open",
    paymentStatus: "unpaid",
    mode: subscription ? "subscription" : "payment",
    currency: first.currency,
    amountTotal,
    lineItems: stored,
    customerId: spec.customerId,
    customerEmail: spec.customerEmail,
    successUrl: spec.successUrl,
    cancelUrl: spec.cancelUrl,
    paymentMethodTypes: spec.paymentMethodTypes,
    locale: spec.locale,
    allowPromotionCodes: spec.allowPromotionCodes,
    promotionCode: preset?.applied ?? null,
    amountDiscount: preset?.discount ?? 0,
    discountId: null,
    paymentLinkId: spec.paymentLinkId,
    completionMessage: spec.completionMessage,
    paymentClaim: null,
    paymentId: null,
    subscriptionData,
    subscriptionId: null,
    subscriptionAttempt: null,
    failedAttempts: 0,
    lastError: null,
    metadata: spec.metadata,
    expiresAt,
    completedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const session = toCheckoutSession(ctx.services.config.PUBLIC_URL, row);
  await runBatch(ctx.services, [db.insert(checkoutSessions).values(row)], { response: session });
  return session;
}

function perUnit(unitAmount: number): LineItemColumn["terms"] {
  return {
    pricingModel: "per_unit",
    unitAmount,
    packageSize: null,
    packageRounding: null,
    tiersMode: null,
    tiers: null,
  };
}

/** The sum of the lines, refused when it passes the largest amount the ledger takes. */
export function sessionTotal(lines: readonly LineItemColumn[]): number {
  const total = lines.reduce((sum, line) => sum + lineAmount(line, line.quantity), 0n);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw lineItemsInvalid("line_items", "The total is larger than the largest amount accepted.");
  }
  return Number(total);
}

/** POST /checkout/sessions: the API's shape of a session, checked, then opened. */
export async function createCheckoutSession({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateCheckoutSessionInput;
}): Promise<CheckoutSession> {
  const subscription = input.mode === "subscription";
  if (!subscription && input.subscription_data) {
    throw new ApiError("parameter_invalid", {
      param: "subscription_data",
      message: "subscription_data goes with mode: subscription.",
    });
  }
  if (subscription && input.payment_method_types?.some((type) => type !== "card")) {
    // The subscription charges the saved card off-session at each renewal; the other methods can't be saved for that here.
    throw new ApiError("parameter_invalid", {
      param: "payment_method_types",
      message: "Subscription mode takes card only.",
    });
  }
  if (input.discounts?.length && (subscription || input.allow_promotion_codes)) {
    throw new ApiError("parameter_invalid", {
      param: "discounts",
      message: subscription
        ? "discounts go with mode: payment."
        : "Send discounts or allow_promotion_codes, not both.",
    });
  }
  const data = input.subscription_data;
  return openCheckoutSession({
    ctx,
    spec: {
      mode: input.mode,
      subscriptionData: data
        ? {
            trialPeriodDays: data.trial_period_days ?? null,
            trialEnd: data.trial_end ?? null,
            metadata: data.metadata ?? {},
          }
        : null,
      lineItems: input.line_items.map((item) => ({
        price: item.price,
        priceData: item.price_data && {
          currency: item.price_data.currency,
          unitAmount: item.price_data.unit_amount,
          name: item.price_data.product_data.name,
          recurring: item.price_data.recurring && {
            interval: item.price_data.recurring.interval,
            intervalCount: item.price_data.recurring.interval_count ?? 1,
          },
        },
        quantity: item.quantity,
        adjustable: item.adjustable_quantity?.enabled
          ? {
              minimum: item.adjustable_quantity.minimum ?? 0,
              maximum: item.adjustable_quantity.maximum ?? QUANTITY_MAX,
            }
          : null,
      })),
      customerId: input.customer ?? null,
      customerEmail: input.customer_email ?? null,
      successUrl: input.success_url,
      cancelUrl: input.cancel_url ?? null,
      completionMessage: null,
      paymentMethodTypes: input.payment_method_types ?? ["card"],
      locale: input.locale,
      allowPromotionCodes: input.allow_promotion_codes,
      discount: input.discounts?.[0] ?? null,
      paymentLinkId: null,
      expiresAt: input.expires_at ? new Date(input.expires_at) : null,
      metadata: input.metadata ?? {},
    },
  });
}
