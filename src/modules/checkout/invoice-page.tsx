import { currencyExponent } from "../../core/money";
import type { HostedInvoice } from "../invoices/schemas";
import type { HostedInvoicePage } from "../invoices/service";
import { findMethodType } from "../payment-methods/service";
import { CardFields, ErrorMessage, HostedDocument, money } from "./hosted-document";
import type { InvoiceTranslate } from "./invoice-messages";
import type { PageLocale, Translate } from "./messages";

/** What the hosted invoice page is rendered from. */
export interface InvoicePageView {
  page: HostedInvoicePage;
  /** The hosted URL's token, for the page's own links and form. */
  token: string;
  /** The catalog code of the refusal to show, if any. */
  error: string | null;
  locale: PageLocale;
  /** Checkout's words (card fields, Pay, declines); `ti` the invoice's own. */
  t: Translate;
  ti: InvoiceTranslate;
}

/** `/invoice/{id}{suffix}?token=…`: the page's own URLs carry its credential. */
export function invoicePath(id: string, token: string, suffix = ""): string {
  return `/invoice/${id}${suffix}?${new URLSearchParams({ token })}`;
}

function day(iso: string, locale: PageLocale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));
}

function Row({ label, amount, strong }: { label: string; amount: string; strong?: boolean }) {
  return (
    <li class={strong ? "total" : undefined}>
      <span>{label}</span> {strong ? <strong>{amount}</strong> : <span>{amount}</span>}
    </li>
  );
}

function Summary({ view }: { view: InvoicePageView }) {
  const { invoice } = view.page;
  const { ti, locale } = view;
  const amount = (value: number) => money(value, invoice.currency, locale);
  return (
    <section aria-labelledby="summary-title" class="summary">
      <p>{ti("status", { status: ti(`status_${invoice.status}` as const) })}</p>
      {invoice.customer_name ? <p>{ti("billedTo", { name: invoice.customer_name })}</p> : null}
      {invoice.due_date && invoice.status !== "paid" && invoice.status !== "void" ? (
        <p>{ti("dueDate", { date: day(invoice.due_date, locale) })}</p>
      ) : null}
      {invoice.description ? <p>{invoice.description}</p> : null}
      <h2 id="summary-title">{ti("items")}</h2>
      <ul>
        {invoice.lines.map((line) => (
          <li>
            <span>
              {line.description ?? ti("line")} × {line.quantity}
            </span>
            <span>{amount(line.amount)}</span>
          </li>
        ))}
      </ul>
      <ul class="totals">
        <Row label={ti("subtotal")} amount={amount(invoice.subtotal)} />
        {invoice.discount_amount > 0 ? (
          <Row label={ti("discount")} amount={`−${amount(invoice.discount_amount)}`} />
        ) : null}
        {invoice.taxes.map((tax) => (
          <Row
            label={ti(tax.inclusive ? "taxIncluded" : "tax", {
              percentage: new Intl.NumberFormat(locale).format(tax.percentage),
            })}
            amount={amount(tax.amount)}
          />
        ))}
        <Row label={view.t("total")} amount={amount(invoice.total)} strong />
        <Row label={ti("amountPaid")} amount={amount(invoice.amount_paid)} />
        <Row label={ti("amountRemaining")} amount={amount(invoice.amount_remaining)} strong />
      </ul>
    </section>
  );
}

function brandName(brand: string): string {
  return brand.charAt(0).toUpperCase() + brand.slice(1);
}

function Receipt({ view, invoice }: { view: InvoicePageView; invoice: HostedInvoice }) {
  const { ti, locale } = view;
  const method = invoice.paid_with;
  return (
    <section aria-labelledby="receipt-title" class="receipt">
      <h2 id="receipt-title">{ti("receipt")}</h2>
      <p role="status">{view.t("complete")}</p>
      <p class="total">
        <span>{ti("amountPaid")}</span>{" "}
        <strong>{money(invoice.amount_paid, invoice.currency, locale)}</strong>
      </p>
      {invoice.paid_at ? <p>{ti("paidOn", { date: day(invoice.paid_at, locale) })}</p> : null}
      {method?.last4 ? (
        <p>{ti("paidWith", { brand: brandName(method.brand ?? method.type), last4: method.last4 })}</p>
      ) : null}
    </section>
  );
}

function PaymentForm({ view, invoice }: { view: InvoicePageView; invoice: HostedInvoice }) {
  const { t, locale } = view;
  return (
    <form
      method="post"
      action={invoicePath(invoice.id, view.token)}
      class="pay"
      data-currency={invoice.currency}
      data-exponent={String(currencyExponent(invoice.currency))}
      data-locale={locale}
      data-fixed-amount={String(invoice.amount_remaining)}
    >
      <input type="hidden" name="method" value="card" />
      <CardFields t={t} legend={findMethodType("card")?.name ?? "Card"} />
      <button type="submit" data-label={t("pay", { amount: "{amount}" })}>
        {t("pay", { amount: money(invoice.amount_remaining, invoice.currency, locale) })}
      </button>
    </form>
  );
}

/** What the customer can do now: pay, wait for a charge under way, or nothing (paid, void). */
function Action({ view, invoice }: { view: InvoicePageView; invoice: HostedInvoice }) {
  const { t, ti, page } = view;
  if (invoice.status === "paid") return <Receipt view={view} invoice={invoice} />;
  if (invoice.status === "void") return <p role="status">{ti("voided")}</p>;
  if (page.pending) {
    return (
      <>
        <p role="status">{t("processing")}</p>
        <p>
          {page.pending.actionUrl ? (
            <a href={page.pending.actionUrl}>{t("continueAuth")}</a>
          ) : (
            <a href={invoicePath(invoice.id, view.token)}>{t("refresh")}</a>
          )}
        </p>
      </>
    );
  }
  return (
    <>
      <ErrorMessage error={view.error} t={t} />
      <PaymentForm view={view} invoice={invoice} />
    </>
  );
}

/** The hosted invoice page, for every state of a finalized invoice. */
export function InvoicePage({ view }: { view: InvoicePageView }) {
  const { invoice, environment } = view.page;
  const { t, ti, locale } = view;
  return (
    <HostedDocument
      locale={locale}
      t={t}
      title={invoice.number ? ti("invoiceNumber", { number: invoice.number }) : ti("invoice")}
      sandbox={environment === "sandbox"}
    >
      <Summary view={view} />
      <Action view={view} invoice={invoice} />
      <p>
        <a href={invoicePath(invoice.id, view.token, "/pdf")} download>
          {ti("downloadPdf")}
        </a>
      </p>
    </HostedDocument>
  );
}
