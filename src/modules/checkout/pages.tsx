import { type Context, Hono } from "hono";
import type { AppEnv } from "../../core/context";
import { ApiError } from "../../core/errors";
import { clipText, hasUnsafeCharacters } from "../../core/input-safety";
import { parseAmount } from "../../core/money";
import { visitPaymentLink } from "../payment-links/service";
import { paymentMethodDataSchema } from "../payment-methods/schemas";
import { applyPromotionCode } from "./discounts";
import { type PageLocale, pickLocale, translator } from "./messages";
import { CheckoutPage, MessagePage } from "./page";
import {
  type CheckoutPageState,
  loadCheckoutPage,
  type PayChoices,
  type PayRequest,
  paySession,
  priceChoices,
} from "./service";
import { trialDaysOf } from "./subscription-mode";
import type { CheckoutSessionRow } from "./tables";
import { checkoutWallets } from "./wallet";

/**
 * The hosted checkout page (no API key: the session id in the URL is the credential, as the
 * session's url hands it to the customer). Rendered on the Worker; its script and styles are
 * static assets (public/hosted/), so the policy allows scripts from this origin only. Forms post
 * only here, and to the merchant's success URL origin (where a completed payment redirects).
 */
function contentSecurityPolicy(successUrl: string | null, wallets: readonly string[]): string {
  const formTargets = ["'self'"];
  if (successUrl) formTargets.push(new URL(successUrl).origin);
  // Chromium fetches Google Pay's payment method manifest under the page's connect-src; no script
  // of Google's runs here (the Payment Request API is the browser's).
  const connect = wallets.includes("google_pay")
    ? "connect-src 'self' https://google.com/pay https://pay.google.com"
    : "connect-src 'self'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    connect,
    `form-action ${formTargets.join(" ")}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function secureHeaders(
  c: Context<AppEnv>,
  successUrl: string | null,
  wallets: readonly string[] = [],
) {
  c.header("Content-Security-Policy", contentSecurityPolicy(successUrl, wallets));
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  c.header("Cache-Control", "no-store");
}

/** A rendered page with its doctype (hono/jsx renders elements only); the components are synchronous. */
export function documentOf(element: unknown): string {
  return `<!doctype html>${String(element)}`;
}

export function localeOf(c: Context<AppEnv>, sessionLocale: string): PageLocale {
  return pickLocale(c.req.query("locale") ?? sessionLocale, c.req.header("accept-language"));
}

function notFoundPage(c: Context<AppEnv>) {
  const locale = localeOf(c, "auto");
  const t = translator(locale);
  secureHeaders(c, null);
  return c.html(documentOf(<MessagePage locale={locale} t={t} message={t("notFound")} />), 404);
}

async function render(c: Context<AppEnv>, state: CheckoutPageState | null, selected: string | null = null) {
  if (!state) return notFoundPage(c);
  if (state.redirect) return c.redirect(state.redirect, 303);
  const locale = localeOf(c, state.row.locale);
  const wallets = await checkoutWallets(c.get("services"), state);
  secureHeaders(c, state.row.successUrl, wallets);
  const view = {
    wallets,
    row: state.row,
    methods: state.methods,
    error: state.error,
    locale,
    t: translator(locale),
    selected,
    trialDays:
      state.row.mode === "subscription"
        ? trialDaysOf(state.row.subscriptionData, c.get("services").clock.now())
        : null,
  };
  return c.html(documentOf(<CheckoutPage view={view} />), state.error ? 422 : 200);
}

export function field(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === "string" ? value.trim() : "";
}

/** "MM/YY" or "MM/YYYY" as a month and a four-digit year; NaN when unreadable (refused later). */
function expiryOf(text: string): { month: number; year: number } {
  const match = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(text);
  if (!match) return { month: Number.NaN, year: Number.NaN };
  const year = Number(match[2]);
  return { month: Number(match[1]), year: year < 100 ? 2000 + year : year };
}

/** The card fields of a hosted page's form, as a payment method's `card` (checked by the caller's schema). */
export function cardOf(form: Record<string, unknown>) {
  const expiry = expiryOf(field(form, "card_expiry"));
  const name = field(form, "card_name");
  return {
    number: field(form, "card_number"),
    exp_month: expiry.month,
    exp_year: expiry.year,
    cvc: field(form, "card_cvc") || undefined,
    holder_name: name || undefined,
  };
}

/** The quantities, donation amount and email of the page's form (or of the wallet script's copy of it). */
export function choicesOf(form: Record<string, unknown>, row: CheckoutSessionRow): PayChoices {
  const quantities: Record<number, number> = {};
  for (const [index, line] of row.lineItems.entries()) {
    const text = field(form, `quantity_${index}`);
    if (line.adjustable && text) quantities[index] = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  }
  let customAmount: number | null = null;
  const amountText = field(form, "amount");
  if (amountText) {
    try {
      customAmount = Number(parseAmount(amountText, row.currency));
    } catch {
      customAmount = Number.NaN;
    }
  }
  return { email: field(form, "email") || null, quantities, customAmount };
}

/**
 * Whether a field holds what PostgreSQL can't store (NUL, a lone surrogate). The pages are outside
 * /api/v1's input check, and such a value failing a write after the session is claimed would leave
 * the claim held, so the page refuses it before claiming.
 */
export function hasUnsafeField(form: Record<string, unknown>): boolean {
  return Object.entries(form).some(
    ([name, value]) => hasUnsafeCharacters(name) || (typeof value === "string" && hasUnsafeCharacters(value)),
  );
}

/** The form as the payment verb takes it; null when the method data is unreadable. */
function payRequestOf(form: Record<string, unknown>, state: CheckoutPageState): PayRequest | null {
  if (hasUnsafeField(form)) return null;
  const method = field(form, "method");
  if (!state.methods.includes(method)) return null;
  const email = field(form, "email") || null;
  const billing = email ? { billing_details: { email } } : {};
  let data: unknown = { type: method, ...billing };
  if (method === "card") {
    data = { type: "card", card: cardOf(form), ...billing };
  } else if (method === "upi") {
    data = { type: "upi", upi: { vpa: field(form, "upi_vpa") }, ...billing };
  }
  const parsed = paymentMethodDataSchema.safeParse(data);
  if (!parsed.success) return null;
  return { ...choicesOf(form, state.row), method: parsed.data };
}

export const checkoutPagesRouter = new Hono<AppEnv>()
  // A payment link: each visit opens a fresh checkout session and sends the customer to its page.
  .get("/pay/:code", async (c) => {
    let url: string | null;
    try {
      url = await visitPaymentLink(c.get("services"), c.req.param("code"));
    } catch (error) {
      // The link's session can't be opened (a price archived since): the customer gets the page.
      if (!(error instanceof ApiError)) throw error;
      url = null;
    }
    if (url) return c.redirect(url, 303);
    const locale = localeOf(c, "auto");
    const t = translator(locale);
    secureHeaders(c, null);
    return c.html(documentOf(<MessagePage locale={locale} t={t} message={t("linkUnavailable")} />), 410);
  })
  .get("/checkout/:id", async (c) => render(c, await loadCheckoutPage(c.get("services"), c.req.param("id"))))
  // The return from 3-D Secure or a bank page: the session follows its payment.
  .get("/checkout/:id/return", async (c) =>
    render(c, await loadCheckoutPage(c.get("services"), c.req.param("id"))),
  )
  .post("/checkout/:id", async (c) => {
    const services = c.get("services");
    const id = c.req.param("id");
    const current = await loadCheckoutPage(services, id);
    if (!current || current.redirect || current.row.status !== "open" || current.row.paymentClaim) {
      return render(c, current);
    }
    const form = await c.req.parseBody();
    const selected = field(form, "method") || null;
    const request = payRequestOf(form, current);
    if (!request) return render(c, { ...current, error: "invalid" }, selected);
    return render(c, await paySession(services, current.row, request), selected);
  })
  // The code field's Apply (or Remove): the form's choices with the code, checked, nothing redeemed.
  .post("/checkout/:id/promotion-code", async (c) => {
    const services = c.get("services");
    const current = await loadCheckoutPage(services, c.req.param("id"));
    if (!current || current.redirect || current.row.status !== "open" || current.row.paymentClaim) {
      return render(c, current);
    }
    const form = await c.req.parseBody();
    const selected = field(form, "method") || null;
    const { row } = current;
    if (!row.allowPromotionCodes || row.mode !== "payment")
      return render(c, { ...current, error: "invalid" });
    if (hasUnsafeField(form)) return render(c, { ...current, error: "invalid" }, selected);
    const code = field(form, "remove_promotion_code") ? null : clipText(field(form, "promotion_code"), 100);
    if (code === "") return render(c, { ...current, error: "promotion_code_inactive" }, selected);
    const priced = priceChoices({ ...row, promotionCode: null }, choicesOf(form, row));
    if (typeof priced === "string") return render(c, { ...current, error: priced }, selected);
    return render(c, await applyPromotionCode(services, row, code, priced.lines, priced.subtotal), selected);
  });
