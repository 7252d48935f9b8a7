import type { Services } from "../../core/context";
import { ApiError } from "../../core/errors";
import type { PaymentMethodData } from "../payment-methods/schemas";
import { findHostedInvoice, type HostedInvoicePage, hostedContext, loadHostedInvoice } from "./hosted";
import { payInvoice } from "./pay";
import { invoicePdf } from "./pdf";

/** Refusals that mean "someone else got there first": the page just shows where the invoice is now. */
const settledElsewhere: readonly string[] = ["invoice_status_invalid", "invoice_payment_in_progress"];

/**
 * The customer pays the invoice on its hosted page with a card typed there. Through payInvoice, so
 * its claim makes a double submit, a second tab or a retried POST charge at most once (the loser
 * finds the invoice claimed or paid and only shows it). A refusal (a decline, an unreadable card)
 * leaves the invoice payable and answers its catalog code; 3-D Secure leaves the charge pending,
 * and the page then carries its action URL. Card data lives only in this request's memory.
 */
export async function payHostedInvoice({
  services,
  id,
  token,
  card,
  returnUrl,
}: {
  services: Services;
  id: string;
  token: string;
  card: PaymentMethodData;
  returnUrl: string;
}): Promise<{ page: HostedInvoicePage; error: string | null }> {
  const row = await findHostedInvoice(services, id, token);
  let error: string | null = null;
  try {
    await payInvoice({
      ctx: hostedContext(services, row),
      id,
      input: { payment_method_data: card, return_url: returnUrl },
    });
  } catch (caught) {
    if (!(caught instanceof ApiError)) throw caught;
    if (!settledElsewhere.includes(caught.code)) error = caught.code;
  }
  return { page: await loadHostedInvoice({ services, id, token }), error };
}

/** The invoice's PDF for whoever holds its hosted URL (no API key): the same document as GET /invoices/{id}/pdf. */
export async function hostedInvoicePdf({
  services,
  id,
  token,
}: {
  services: Services;
  id: string;
  token: string;
}): Promise<Uint8Array<ArrayBuffer>> {
  const row = await findHostedInvoice(services, id, token);
  return invoicePdf({ ctx: hostedContext(services, row), id });
}
