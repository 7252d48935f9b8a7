import { defineFunction, oneMerchantPayload } from "../src/core/background-functions";
import { runInvoiceReminders } from "../src/modules/invoices/service";

export const invoiceReminders = defineFunction({
  name: "invoice-reminders",
  description:
    "Reminds customers of open send_invoice invoices before and after their due date, per the account's invoice settings (on real time; invoices of test-clock customers run when their clock advances): invoice.will_be_due or invoice.overdue and an email, each reminder once, only the latest one when several are past.",
  payload: oneMerchantPayload,
  schedule: "*/15 * * * *",
  intervalSeconds: 900,
  handler: async (services, payload) => {
    const { sent, failed } = await runInvoiceReminders(
      services,
      { testClock: null, merchantId: payload.merchant },
      services.clock.now(),
    );
    return { sent, failed };
  },
});
