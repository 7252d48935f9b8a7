import { and, eq, isNull } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { post } from "../../core/ledger";
import { currencyExponent, MAX_AMOUNT } from "../../core/money";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { exactlyOne, tenantRow, tenantScope } from "../../core/tenancy";
import { customerRate, isLedgerAmount, markedUpRate, midRate, quoteAmounts } from "./conversion";
import { type Ratio, toRateString } from "./decimal";
import { isStale, latestSnapshot, type StoredSnapshot, sourceNameFor, toRateTable } from "./rates";
import type { CreateQuoteInput, FxConversion, FxQuote } from "./schemas";
import { type FxConversionRow, type FxQuoteRow, fxConversions, fxQuotes, fxSettings } from "./tables";

async function currentSnapshot(ctx: ServiceContext): Promise<StoredSnapshot> {
  const snapshot = await latestSnapshot(ctx.services, sourceNameFor(ctx.services, ctx.environment));
  if (!snapshot)
    throw new ApiError("fx_rates_stale", { message: "No exchange rates have been fetched yet." });
  return snapshot;
}

function pairRate(snapshot: StoredSnapshot, base: string, quote: string, param: string): Ratio {
  const rate = base === quote ? undefined : midRate(toRateTable(snapshot), base, quote);
  if (!rate) throw new ApiError("fx_pair_unsupported", { param, message: `No rate for ${base}/${quote}.` });
  return rate;
}

export async function getRates({
  ctx,
  base,
  symbols,
}: {
  ctx: ServiceContext;
  base: string;
  symbols: string[] | null;
}) {
  const snapshot = await currentSnapshot(ctx);
  const wanted =
    symbols ?? [...Object.keys(snapshot.rates), snapshot.base].filter((code) => code !== base).sort();
  const rates: Record<string, string> = {};
  for (const code of wanted) rates[code] = toRateString(pairRate(snapshot, base, code, "symbols"));
  return {
    object: "fx_rates" as const,
    base,
    timestamp: snapshot.observedAt.toISOString(),
    source: snapshot.source,
    stale: isStale(ctx.services, snapshot),
    rates,
  };
}

export interface FxMarkups {
  /** The operator's markup (FX_DEFAULT_MARKUP_BPS): every conversion of a merchant's funds pays it. */
  platformBps: number;
  /** The merchant's own markup on top, for the rates it shows its customers; 0 by default. */
  merchantBps: number;
  isDefault: boolean;
}

export async function fxMarkups(ctx: ServiceContext): Promise<FxMarkups> {
  const [row] = await ctx.services.db
    .select({ markupBps: fxSettings.markupBps })
    .from(fxSettings)
    .where(and(...tenantScope(fxSettings, ctx)))
    .limit(1);
  return {
    platformBps: ctx.services.config.FX_DEFAULT_MARKUP_BPS,
    merchantBps: row?.markupBps ?? 0,
    isDefault: row === undefined,
  };
}

/** A pair's rates for the merchant's customers: the mid less or plus both markups. */
export async function getPair({ ctx, base, quote }: { ctx: ServiceContext; base: string; quote: string }) {
  const snapshot = await currentSnapshot(ctx);
  const mid = pairRate(snapshot, base, quote, "quote");
  const markups = await fxMarkups(ctx);
  const markupBps = markups.platformBps + markups.merchantBps;
  return {
    object: "fx_rate" as const,
    base,
    quote,
    mid: toRateString(mid),
    buy: toRateString(markedUpRate(mid, markupBps)),
    sell: toRateString(customerRate(mid, markupBps)),
    markup_bps: markupBps,
    platform_markup_bps: markups.platformBps,
    merchant_markup_bps: markups.merchantBps,
    timestamp: snapshot.observedAt.toISOString(),
    stale: isStale(ctx.services, snapshot),
  };
}

function toSettings(markups: FxMarkups) {
  return {
    object: "fx_settings" as const,
    markup_bps: markups.platformBps + markups.merchantBps,
    platform_markup_bps: markups.platformBps,
    merchant_markup_bps: markups.merchantBps,
    default: markups.isDefault,
  };
}

/** Sets the merchant's own markup, added on top of the platform's; the platform's is not the merchant's to change. */
export async function updateFxSettings({
  ctx,
  merchantMarkupBps,
}: {
  ctx: ServiceContext;
  merchantMarkupBps: number;
}) {
  const now = ctx.services.clock.now();
  await ctx.services.db
    .insert(fxSettings)
    .values({
      merchantId: ctx.merchantId,
      environment: ctx.environment,
      markupBps: merchantMarkupBps,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [fxSettings.merchantId, fxSettings.environment],
      set: { markupBps: merchantMarkupBps, updatedAt: now },
    });
  return toSettings({
    platformBps: ctx.services.config.FX_DEFAULT_MARKUP_BPS,
    merchantBps: merchantMarkupBps,
    isDefault: false,
  });
}

export async function getFxSettings({ ctx }: { ctx: ServiceContext }) {
  return toSettings(await fxMarkups(ctx));
}

function toQuote(row: FxQuoteRow): FxQuote {
  return {
    id: row.id,
    object: "fx_quote",
    environment: row.environment,
    sell_currency: row.sellCurrency,
    buy_currency: row.buyCurrency,
    sell_amount: row.sellAmount,
    buy_amount: row.buyAmount,
    rate: row.rate,
    mid_rate: row.midRate,
    markup_bps: row.markupBps,
    expires_at: row.expiresAt.toISOString(),
    used: row.usedAt !== null,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * Locks a rate for FX_QUOTE_TTL_SECONDS. The amounts follow the one rounding rule in
 * conversion.ts: what the merchant receives rounds down, what it pays rounds up.
 */
export async function createQuote({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateQuoteInput;
}): Promise<FxQuote> {
  if (input.sell_currency === input.buy_currency) {
    throw new ApiError("fx_pair_unsupported", {
      param: "buy_currency",
      message: "Sell and buy currencies must differ.",
    });
  }
  const snapshot = await currentSnapshot(ctx);
  if (isStale(ctx.services, snapshot)) throw new ApiError("fx_rates_stale");
  const mid = pairRate(snapshot, input.sell_currency, input.buy_currency, "buy_currency");
  // Converting its own funds, a merchant pays the platform's markup only: its own markup is for
  // the rates it shows its customers.
  const markupBps = ctx.services.config.FX_DEFAULT_MARKUP_BPS;
  const rate = customerRate(mid, markupBps);
  const computed = quoteAmounts({
    sellAmount: input.sell_amount,
    buyAmount: input.buy_amount,
    mid,
    rate,
    sellCurrency: input.sell_currency,
    buyCurrency: input.buy_currency,
  });
  if (!computed.ok) {
    throw new ApiError("amount_invalid", {
      param: input.sell_amount === undefined ? "buy_amount" : "sell_amount",
      message:
        computed.reason === "below_minor_unit"
          ? `The amount converts to less than one minor unit of ${input.buy_currency} (exponent ${currencyExponent(input.buy_currency)}).`
          : `The ${computed.amount} of this quote would exceed the largest supported amount (${MAX_AMOUNT} minor units).`,
    });
  }
  const { sellAmount, buyAmount, midBuyAmount } = computed.amounts;
  const now = ctx.services.clock.now();
  return ctx.services.transaction(async (tx) => {
    const row = exactlyOne(
      await tx
        .insert(fxQuotes)
        .values({
          id: newId("fxQuote"),
          merchantId: ctx.merchantId,
          environment: ctx.environment,
          sellCurrency: input.sell_currency,
          buyCurrency: input.buy_currency,
          sellAmount,
          buyAmount,
          rate: toRateString(rate),
          midRate: toRateString(mid),
          markupBps,
          midBuyAmount,
          snapshotId: snapshot.id,
          expiresAt: new Date(now.getTime() + ctx.services.config.FX_QUOTE_TTL_SECONDS * 1000),
          createdAt: now,
        })
        .returning(),
    );
    const quote = toQuote(row);
    await recordChange(ctx, { type: "fx.quote.created", object: quote }, tx);
    return quote;
  });
}

export async function retrieveQuote({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<FxQuote> {
  const [row] = await ctx.services.db
    .select()
    .from(fxQuotes)
    .where(tenantRow(fxQuotes, ctx, id))
    .limit(1);
  if (!row) throw notFound("quote", id);
  return toQuote(row);
}

function toConversion(row: FxConversionRow): FxConversion {
  return {
    id: row.id,
    object: "fx_conversion",
    environment: row.environment,
    quote: row.quoteId,
    status: row.status,
    sell_currency: row.sellCurrency,
    buy_currency: row.buyCurrency,
    sell_amount: row.sellAmount,
    buy_amount: row.buyAmount,
    rate: row.rate,
    mid_rate: row.midRate,
    markup_bps: row.markupBps,
    markup_amount: row.markupAmount,
    ledger_transaction: row.ledgerTransactionId,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * Converts between the merchant's available balances in one transaction: the quote is claimed
 * (once), the ledger moves sell_amount out and buy_amount in, and the markup lands in the FX
 * revenue account. Short funds roll everything back and leave the quote usable until it expires.
 */
export async function createConversion({
  ctx,
  quoteId,
}: {
  ctx: ServiceContext;
  quoteId: string;
}): Promise<FxConversion> {
  const now = ctx.services.clock.now();
  return ctx.services.transaction(async (tx) => {
    const [quote] = await tx
      .select()
      .from(fxQuotes)
      .where(and(eq(fxQuotes.id, quoteId), ...tenantScope(fxQuotes, ctx)))
      .for("update")
      .limit(1);
    if (!quote) throw notFound("quote", quoteId, "quote");
    if (quote.usedAt) throw new ApiError("fx_quote_used", { param: "quote" });
    if (quote.expiresAt <= now) throw new ApiError("fx_quote_expired", { param: "quote" });
    if (![quote.sellAmount, quote.buyAmount, quote.midBuyAmount].every(isLedgerAmount)) {
      // Only quotes stored before amounts were bounds-checked can hold such amounts.
      throw new ApiError("amount_invalid", {
        param: "quote",
        message: `This quote's amounts exceed the largest supported amount (${MAX_AMOUNT} minor units).`,
      });
    }
    await tx
      .update(fxQuotes)
      .set({ usedAt: now })
      .where(and(eq(fxQuotes.id, quote.id), isNull(fxQuotes.usedAt)));
    const conversionId = newId("fxConversion");
    const markupAmount = quote.midBuyAmount - quote.buyAmount;
    const posting = await post(
      {
        merchantId: ctx.merchantId,
        environment: ctx.environment,
        source: `fx_conversion:${conversionId}`,
        type: "fx_conversion",
        sourceObjectId: conversionId,
        description: `Convert ${quote.sellCurrency} to ${quote.buyCurrency} at ${quote.rate}`,
        at: now,
        entries: [
          {
            account: { kind: "merchant_available", currency: quote.sellCurrency },
            amount: -quote.sellAmount,
          },
          { account: { kind: "fx", currency: quote.sellCurrency }, amount: quote.sellAmount },
          { account: { kind: "merchant_available", currency: quote.buyCurrency }, amount: quote.buyAmount },
          { account: { kind: "fx", currency: quote.buyCurrency }, amount: -quote.midBuyAmount },
          ...(markupAmount > 0
            ? [
                {
                  account: { kind: "fx_revenue" as const, currency: quote.buyCurrency },
                  amount: markupAmount,
                },
              ]
            : []),
        ],
      },
      tx,
    );
    const row = exactlyOne(
      await tx
        .insert(fxConversions)
        .values({
          id: conversionId,
          merchantId: ctx.merchantId,
          environment: ctx.environment,
          quoteId: quote.id,
          sellCurrency: quote.sellCurrency,
          buyCurrency: quote.buyCurrency,
          sellAmount: quote.sellAmount,
          buyAmount: quote.buyAmount,
          rate: quote.rate,
          midRate: quote.midRate,
          markupBps: quote.markupBps,
          markupAmount,
          status: "succeeded",
          ledgerTransactionId: posting.transaction.id,
          createdAt: now,
        })
        .returning(),
    );
    const conversion = toConversion(row);
    await recordChange(ctx, { type: "fx.conversion.succeeded", object: conversion }, tx);
    return conversion;
  });
}

export async function retrieveConversion({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<FxConversion> {
  const [row] = await ctx.services.db
    .select()
    .from(fxConversions)
    .where(tenantRow(fxConversions, ctx, id))
    .limit(1);
  if (!row) throw notFound("conversion", id);
  return toConversion(row);
}

export async function listConversions({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery;
}): Promise<ListPage<FxConversion>> {
  const { db } = ctx.services;
  const page = await paginateTable({
    db,
    table: fxConversions,
    scope: tenantScope(fxConversions, ctx),
    tenantScope: tenantScope(fxConversions, ctx),
    query,
  });
  return { data: page.data.map(toConversion), hasMore: page.hasMore };
}

/** The currencies the current rate source quotes, with their minor-unit exponents. */
export async function listCurrencies({ ctx }: { ctx: ServiceContext }) {
  const snapshot = await currentSnapshot(ctx);
  const codes = [...new Set([snapshot.base, ...Object.keys(snapshot.rates)])].sort();
  return codes.map((code) => ({ code, exponent: currencyExponent(code) }));
}
