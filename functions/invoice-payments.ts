import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { settlePendingInvoicePayments } from "../src/modules/invoices/service";
import { activateOnPaidInvoices } from "../src/modules/subscriptions/service";

export const invoicePayments = defineFunction({
  name: "invoice-payments",
  description:
    "Follows the invoice charges left pending (3-D Secure, bank debits): when the payment succeeds the invoice is paid and its incomplete or past_due subscription active; when it fails the invoice can be charged again.",
  payload: z.object({}).passthrough(),
  schedule: "* * * * *",
  intervalSeconds: 60,
  handler: async (services) => {
    const settled = await settlePendingInvoicePayments(services);
    const paid = settled.filter((invoice) => invoice.outcome === "paid");
    return {
      paid: paid.length,
      failed: settled.length - paid.length,
      subscriptions_activated: await activateOnPaidInvoices(services, paid),
    };
  },
});
