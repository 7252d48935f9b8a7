import type { Child } from "hono/jsx";
import { formatAmount } from "../../core/money";
import { errorMessageKey, type PageLocale, type Translate } from "./messages";

/** What every hosted page is built from (checkout, invoice): the document, amounts, the card's fields, the refusal. */

/** An amount for people: the currency's own digits (exact, from a decimal string), localized. */
export function money(amount: number | bigint, currency: string, locale: PageLocale): string {
  const decimal = formatAmount(amount, currency) as `${number}`;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(decimal);
}

/** The document every hosted page shares (checkout, invoice): its stylesheet, script and test-mode notice. */
export function HostedDocument({
  locale,
  t,
  title,
  sandbox,
  children,
}: {
  locale: PageLocale;
  t: Translate;
  title: string;
  sandbox: boolean;
  children: Child;
}) {
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="stylesheet" href="/hosted/checkout.css" />
        <script src="/hosted/checkout.js" defer />
      </head>
      <body>
        <main>
          <h1>{title}</h1>
          {sandbox ? <p class="test-mode">{t("testMode")}</p> : null}
          {children}
        </main>
      </body>
    </html>
  );
}

export function ErrorMessage({ error, t }: { error: string | null; t: Translate }) {
  // role="alert" is announced by screen readers when the page loads with it.
  return error ? (
    <p id="checkout-error" role="alert" class="error">
      {t(errorMessageKey(error))}
    </p>
  ) : null;
}

/** The card's fields, as every hosted page that takes a card shows them. */
export function CardFields({ t, legend }: { t: Translate; legend: string }) {
  return (
    <fieldset data-method="card" class="method-fields">
      <legend>{legend}</legend>
      <p class="field">
        <label for="card-number">{t("cardNumber")}</label>
        <input id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number" />
      </p>
      <div class="row">
        <p class="field">
          <label for="card-expiry">{t("expiry")}</label>
          <input id="card-expiry" name="card_expiry" autocomplete="cc-exp" placeholder="MM/YY" />
        </p>
        <p class="field">
          <label for="card-cvc">{t("cvc")}</label>
          <input id="card-cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" />
        </p>
      </div>
      <p class="field">
        <label for="card-name">{t("cardholder")}</label>
        <input id="card-name" name="card_name" autocomplete="cc-name" />
      </p>
    </fieldset>
  );
}
