import { type Context, Hono } from "hono";
import type { AppEnv } from "../../core/context";
import { ApiError } from "../../core/errors";
import {
  type HostedInvoicePage,
  hostedInvoicePdf,
  loadHostedInvoice,
  payHostedInvoice,
} from "../invoices/service";
import { paymentMethodDataSchema } from "../payment-methods/schemas";
import { HostedDocument } from "./hosted-document";
import { invoiceTranslator } from "./invoice-messages";
import { InvoicePage, invoicePath } from "./invoice-page";
import { pickLocale, translator } from "./messages";
import { cardOf, documentOf, hasUnsafeField, secureHeaders } from "./pages";

/**
 * The hosted invoice page at an invoice's hosted_invoice_url: `/invoice/{id}?token=…` (no API key:
 * the token is the credential, as the JSON view at /api/v1/hosted/invoices/{id} takes it). It
 * shows the invoice, takes a card (POST to the same URL), follows 3-D Secure back
 * (`/invoice/{id}/return`), shows the receipt once paid, and serves the PDF (`/invoice/{id}/pdf`).
 * The same document, stylesheet, script, card fields and words as the checkout page; forms post
 * only here.
 */
function localeOf(c: Context<AppEnv>) {
  return pickLocale(c.req.query("locale") ?? "auto", c.req.header("accept-language"));
}

function notFoundPage(c: Context<AppEnv>) {
  const locale = localeOf(c);
  const t = translator(locale);
  const ti = invoiceTranslator(locale);
  secureHeaders(c, null);
  return c.html(
    documentOf(
      <HostedDocument locale={locale} t={t} title={ti("invoice")} sandbox={false}>
        <p role="status">{ti("notFound")}</p>
      </HostedDocument>,
    ),
    404,
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.code === "resource_missing";
}

function render(c: Context<AppEnv>, page: HostedInvoicePage, error: string | null, status: 200 | 422 = 200) {
  const locale = localeOf(c);
  secureHeaders(c, null);
  const view = {
    page,
    token: c.req.query("token") ?? "",
    error,
    locale,
    t: translator(locale),
    ti: invoiceTranslator(locale),
  };
  return c.html(documentOf(<InvoicePage view={view} />), status);
}

/** The page, or the not-found page for a wrong token, a draft or an unknown id. */
async function show(c: Context<AppEnv>, withDecline: boolean) {
  const id = c.req.param("id") ?? "";
  try {
    const page = await loadHostedInvoice({
      services: c.get("services"),
      id,
      token: c.req.query("token") ?? "",
    });
    return render(c, page, withDecline ? page.lastDecline : null);
  } catch (error) {
    if (isNotFound(error)) return notFoundPage(c);
    throw error;
  }
}

export const invoicePagesRouter = new Hono<AppEnv>()
  .get("/invoice/:id", (c) => show(c, false))
  // Back from 3-D Secure: the charge's outcome, and its decline if it failed.
  .get("/invoice/:id/return", (c) => show(c, true))
  .post("/invoice/:id", async (c) => {
    const services = c.get("services");
    const id = c.req.param("id");
    const token = c.req.query("token") ?? "";
    try {
      const form = await c.req.parseBody();
      const card = paymentMethodDataSchema.safeParse({ type: "card", card: cardOf(form) });
      if (!card.success || hasUnsafeField(form))
        return render(c, await loadHostedInvoice({ services, id, token }), "invalid", 422);
      const returnUrl = new URL(invoicePath(id, token, "/return"), services.config.PUBLIC_URL).toString();
      const { page, error } = await payHostedInvoice({ services, id, token, card: card.data, returnUrl });
      if (error) return render(c, page, error, 422);
      if (page.pending?.actionUrl) return c.redirect(page.pending.actionUrl, 303);
      // Paid, processing, or paid by another tab: the page at its own URL, so a reload posts nothing.
      return c.redirect(invoicePath(id, token), 303);
    } catch (error) {
      if (isNotFound(error)) return notFoundPage(c);
      throw error;
    }
  })
  .get("/invoice/:id/pdf", async (c) => {
    const id = c.req.param("id");
    try {
      const pdf = await hostedInvoicePdf({
        services: c.get("services"),
        id,
        token: c.req.query("token") ?? "",
      });
      return c.body(pdf, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename="${id}.pdf"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
      });
    } catch (error) {
      if (isNotFound(error)) return notFoundPage(c);
      throw error;
    }
  });
