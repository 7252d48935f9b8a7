import { defineFunction, oneMerchantPayload } from "../src/core/background-functions";
import { finishCreditNoteRefunds } from "../src/modules/credit-notes/service";
import { reconcileOpenAttempts } from "../src/modules/payments/service";
import { reconcileRefunds, retryWaitingRefunds } from "../src/modules/refunds/service";

/**
 * Resolves provider calls whose outcome is unknown (timeouts, 5xx, requests that died mid-call)
 * by reading the provider's object or sending the same idempotency key again, never by charging
 * elsewhere; then sends refunds whose provider answer is unknown again with their key, and funds
 * refunds that were waiting for money, and finishes refunding credit notes whose request died
 * between its steps. An attempt is left alone until it is three provider timeouts old, so the
 * request that made it finishes first.
 */
export const paymentReconcile = defineFunction({
  name: "payment-reconcile",
  description:
    "Resolves payments and refunds whose provider outcome is unknown (same provider, same idempotency key, or the provider's own object), funds refunds waiting for money, and finishes refunding credit notes a dead request left unlinked.",
  payload: oneMerchantPayload,
  schedule: "* * * * *",
  intervalSeconds: 60,
  handler: async (services, payload) => {
    const olderThanMs = services.config.PROVIDER_TIMEOUT_MS * 3;
    const merchantId = payload.merchant;
    const payments = await reconcileOpenAttempts(services, { olderThanMs, merchantId });
    const refunds = await reconcileRefunds(services, { olderThanMs, merchantId });
    const funded = await retryWaitingRefunds(services, { merchantId });
    const creditNotes = await finishCreditNoteRefunds(services, { olderThanMs, merchantId });
    return {
      payments_resolved: payments.resolved,
      payments_open: payments.open,
      refunds_resolved: refunds,
      refunds_funded: funded,
      credit_notes_finished: creditNotes,
    };
  },
});
