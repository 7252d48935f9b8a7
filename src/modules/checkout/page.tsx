import type { Child } from "hono/jsx";
import { currencyExponent, formatAmount } from "../../core/money";
import { discountAmount } from "../coupons/service";
import { findMethodType } from "../payment-methods/service";
import { discountsProduct } from "../promotion-codes/service";
import type { Wallet } from "../wallet-pay/service";
import { CardFields, ErrorMessage, HostedDocument, money } from "./hosted-document";
import type { MessageKey, PageLocale, Translate } from "./messages";
import { lineAmount } from "./rows";
import type { AppliedPromotionCodeColumn, CheckoutSessionRow, LineItemColumn } from "./tables";

/** What the page is rendered from: the session, the methods it offers, the last refusal. */
export interface PageView {
  row: CheckoutSessionRow;
  methods: string[];
  error: string | null;
  locale: PageLocale;
  t: Translate;
  /** The method the customer had picked, so a retry keeps it. */
  selected: string | null;
  /** Subscription mode: the days of trial before the first charge, or null. */
  trialDays: number | null;
  /** The wallets routing and configuration allow; the script shows those the device supports. */
  wallets: Wallet[];
}

/** A count of days, weeks, months or years in the page's language ("3 months", "3 mois", "3 か月"). */
function unitCount(count: number, unit: string, locale: PageLocale): string {
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(count);
}

const perInterval: Record<string, MessageKey> = {
  day: "perDay",
  week: "perWeek",
  month: "perMonth",
  year: "perYear",
};

/** An amount, and for a recurring price its period: "€10.00 / month", "€30.00 / 3 months". */
function priced(view: PageView, amount: number | bigint, recurring: LineItemColumn["recurring"]): string {
  const { row, t, locale } = view;
  const price = money(amount, row.currency, locale);
  if (!recurring) return price;
  const single = perInterval[recurring.interval];
  if (recurring.intervalCount === 1 && single) return t(single, { amount: price });
  return t("every", {
    amount: price,
    period: unitCount(recurring.intervalCount, recurring.interval, locale),
  });
}

function Layout({ view, children }: { view: PageView; children: Child }) {
  const { row, t, locale } = view;
  return (
    <HostedDocument locale={locale} t={t} title={t("title")} sandbox={row.environment === "sandbox"}>
      {children}
    </HostedDocument>
  );
}

/** "Discount (SAVE25)", the coupon's name for a merchant's discount, or just "Discount". */
function discountLabel(view: PageView, applied: AppliedPromotionCodeColumn): string {
  const label = applied.code ?? applied.name;
  return label ? view.t("discount", { code: label }) : view.t("discountPlain");
}

function Summary({ view }: { view: PageView }) {
  const { row, t, locale } = view;
  const recurring = row.lineItems[0]?.recurring ?? null;
  const total = priced(view, row.amountTotal, recurring);
  return (
    <section aria-labelledby="summary-title" class="summary">
      <h2 id="summary-title">{t("summary")}</h2>
      <ul>
        {row.lineItems.map((line) => (
          <li>
            <span>
              {line.description}
              {line.customAmount ? "" : ` × ${line.quantity}`}
            </span>
            <span>{priced(view, lineAmount(line, line.quantity), line.recurring ?? null)}</span>
          </li>
        ))}
      </ul>
      {row.promotionCode ? (
        <>
          <p class="subtotal">
            <span>{t("subtotal")}</span>{" "}
            <span>{money(row.amountTotal + row.amountDiscount, row.currency, locale)}</span>
          </p>
          <p class="discount">
            <span>{discountLabel(view, row.promotionCode)}</span>{" "}
            <span>−{money(row.amountDiscount, row.currency, locale)}</span>
          </p>
        </>
      ) : null}
      <p class="total">
        <span>{t("total")}</span> <strong>{total}</strong>
      </p>
      {view.trialDays ? (
        <p class="trial">
          {t("trialThen", { days: unitCount(view.trialDays, "day", locale), price: total })}
        </p>
      ) : null}
    </section>
  );
}

/** Whether the applied code discounts this line (a coupon restricted to products discounts only theirs). */
function discounted(view: PageView, line: LineItemColumn): boolean {
  return discountsProduct(view.row.promotionCode?.products ?? null, line.product);
}

function QuantityField({ line, index, view }: { line: LineItemColumn; index: number; view: PageView }) {
  const bounds = line.adjustable ?? { minimum: line.quantity, maximum: line.quantity };
  const id = `quantity-${index}`;
  return (
    <p class="field">
      <label for={id}>{view.t("quantity", { item: line.description })}</label>
      <input
        id={id}
        name={`quantity_${index}`}
        type="number"
        inputmode="numeric"
        min={String(bounds.minimum)}
        max={String(bounds.maximum)}
        value={String(line.quantity)}
        data-unit-amount={String(line.terms.unitAmount ?? 0)}
        data-discounted={String(discounted(view, line))}
      />
    </p>
  );
}

function AmountField({ line, view }: { line: LineItemColumn; view: PageView }) {
  const bounds = line.customAmount;
  if (!bounds) return null;
  const { row, t, locale } = view;
  const preset = bounds.preset ?? bounds.minimum;
  return (
    <p class="field">
      <label for="custom-amount">{t("amount", { currency: row.currency })}</label>
      <input
        id="custom-amount"
        name="amount"
        inputmode="decimal"
        value={formatAmount(preset, row.currency)}
        aria-describedby="custom-amount-hint"
        data-custom-amount="true"
        data-discounted={String(discounted(view, line))}
      />
      <small id="custom-amount-hint">
        {t("amountHint", {
          min: money(bounds.minimum, row.currency, locale),
          max: money(bounds.maximum, row.currency, locale),
        })}
      </small>
    </p>
  );
}

function MethodFields({ method, view }: { method: string; view: PageView }) {
  const { t } = view;
  const type = findMethodType(method);
  if (method === "card") return <CardFields t={t} legend={type?.name ?? "Card"} />;
  if (method === "upi") {
    return (
      <fieldset data-method="upi" class="method-fields">
        <legend>{type?.name ?? "UPI"}</legend>
        <p class="field">
          <label for="upi-vpa">{t("vpa")}</label>
          <input id="upi-vpa" name="upi_vpa" autocomplete="off" placeholder="name@bank" />
        </p>
      </fieldset>
    );
  }
  return (
    <fieldset data-method={method} class="method-fields">
      <legend>{type?.name ?? method}</legend>
      <p>{method === "upi_qr" ? t("upiQr") : t("redirect", { method: type?.name ?? method })}</p>
    </fieldset>
  );
}

/**
 * The code field (payment mode, when the session allows codes). Apply posts the form to the code's
 * own endpoint, which checks the code and shows the new total; nothing is redeemed before paying.
 */
function PromotionCodeField({ view }: { view: PageView }) {
  const { row, t } = view;
  if (!row.allowPromotionCodes || row.mode !== "payment") return null;
  const action = `/checkout/${row.id}/promotion-code`;
  if (row.promotionCode?.code) {
    return (
      <p class="field promotion-code">
        <span role="status">{t("codeApplied", { code: row.promotionCode.code })}</span>{" "}
        <button type="submit" formaction={action} formnovalidate name="remove_promotion_code" value="1">
          {t("removeCode")}
        </button>
      </p>
    );
  }
  return (
    <p class="field promotion-code">
      <label for="promotion-code">{t("promotionCode")}</label>
      <input id="promotion-code" name="promotion_code" autocomplete="off" maxlength={100} />
      <button type="submit" formaction={action} formnovalidate data-apply-code="true">
        {t("applyCode")}
      </button>
    </p>
  );
}

/**
 * Apple Pay / Google Pay: rendered hidden when routing and configuration allow them; the wallet
 * script shows each one the device supports (ApplePaySession, the Payment Request API).
 */
function WalletButtons({ view }: { view: PageView }) {
  const { row, t, wallets } = view;
  if (wallets.length === 0) return null;
  return (
    <section
      id="wallet-buttons"
      class="wallets"
      aria-label={t("expressCheckout")}
      hidden
      data-endpoint={`/checkout/${row.id}/wallet`}
      data-currency={row.currency}
    >
      {wallets.map((wallet) => (
        <button type="button" class={`wallet ${wallet}`} data-wallet={wallet} hidden>
          {wallet === "apple_pay" ? "Apple Pay" : "Google Pay"}
        </button>
      ))}
      <p id="wallet-error" class="error" role="alert" hidden />
      <p class="wallet-or">{t("walletOr")}</p>
      <script src="/hosted/wallet.js" defer />
    </section>
  );
}

function PaymentForm({ view }: { view: PageView }) {
  const { row, t, locale, methods } = view;
  const selected = view.selected && methods.includes(view.selected) ? view.selected : methods[0];
  const fixedLines = row.lineItems.filter((line) => !line.adjustable && !line.customAmount);
  const fixed = fixedLines.reduce((sum, line) => sum + lineAmount(line, line.quantity), 0n);
  const fixedDiscounted = fixedLines
    .filter((line) => discounted(view, line))
    .reduce((sum, line) => sum + lineAmount(line, line.quantity), 0n);
  const terms = row.promotionCode?.terms;
  return (
    <form
      method="post"
      action={`/checkout/${row.id}`}
      class="pay"
      data-currency={row.currency}
      data-exponent={String(currencyExponent(row.currency))}
      data-locale={locale}
      data-fixed-amount={fixed.toString()}
      data-fixed-discounted={fixedDiscounted.toString()}
      data-percent-off-bp={terms?.percentOffBasisPoints?.toString()}
      data-amount-off={
        terms && terms.percentOffBasisPoints === null
          ? String(discountAmount(terms, Number.MAX_SAFE_INTEGER, row.currency) ?? 0)
          : undefined
      }
    >
      {row.lineItems.map((line, index) =>
        line.customAmount ? (
          <AmountField line={line} view={view} />
        ) : line.adjustable ? (
          <QuantityField line={line} index={index} view={view} />
        ) : null,
      )}
      {row.customerId || row.customerEmail ? null : (
        <p class="field">
          <label for="email">{t("email")}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="email"
            required={row.mode === "subscription"}
          />
        </p>
      )}
      {methods.length > 1 ? (
        <fieldset class="methods">
          <legend>{t("method")}</legend>
          {methods.map((method) => (
            <label class="method">
              <input type="radio" name="method" value={method} checked={method === selected} />{" "}
              {findMethodType(method)?.name ?? method}
            </label>
          ))}
        </fieldset>
      ) : (
        <input type="hidden" name="method" value={selected} />
      )}
      {methods.map((method) => (
        <MethodFields method={method} view={view} />
      ))}
      {row.mode === "subscription" ? (
        <button type="submit" data-label={t(view.trialDays ? "startTrial" : "subscribe")}>
          {t(view.trialDays ? "startTrial" : "subscribe")}
        </button>
      ) : (
        <button type="submit" data-label={t("pay", { amount: "{amount}" })}>
          {t("pay", { amount: money(row.amountTotal, row.currency, locale) })}
        </button>
      )}
      <PromotionCodeField view={view} />
    </form>
  );
}

function CancelLink({ view }: { view: PageView }) {
  return view.row.cancelUrl ? (
    <p>
      <a href={view.row.cancelUrl}>{view.t("cancel")}</a>
    </p>
  ) : null;
}

/** The page for every state of a session. */
export function CheckoutPage({ view }: { view: PageView }) {
  const { row, t } = view;
  if (row.status === "expired") {
    return (
      <Layout view={view}>
        <p role="status">{t("expired")}</p>
        <CancelLink view={view} />
      </Layout>
    );
  }
  if (row.status === "complete") {
    return (
      <Layout view={view}>
        <Summary view={view} />
        <p role="status">
          {row.completionMessage ??
            t(
              row.mode === "subscription"
                ? "subscribed"
                : row.paymentStatus === "paid"
                  ? "complete"
                  : "completeUnpaid",
            )}
        </p>
      </Layout>
    );
  }
  if (row.paymentClaim) {
    return (
      <Layout view={view}>
        <Summary view={view} />
        <p role="status">{t("processing")}</p>
        <p>
          <a href={`/checkout/${row.id}`}>{t("refresh")}</a>
        </p>
      </Layout>
    );
  }
  return (
    <Layout view={view}>
      <Summary view={view} />
      <ErrorMessage error={view.error} t={view.t} />
      <WalletButtons view={view} />
      {view.methods.length > 0 ? <PaymentForm view={view} /> : null}
      <CancelLink view={view} />
    </Layout>
  );
}

/** A page for a session that does not exist (or a link that takes no payments). */
export function MessagePage({ locale, t, message }: { locale: PageLocale; t: Translate; message: string }) {
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{t("title")}</title>
        <link rel="stylesheet" href="/hosted/checkout.css" />
      </head>
      <body>
        <main>
          <h1>{t("title")}</h1>
          <p role="status">{message}</p>
        </main>
      </body>
    </html>
  );
}
