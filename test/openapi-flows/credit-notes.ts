import type { Run } from "./run";

/**
 * Every credit-note operation once: a preview, a pre-payment note voided on an owed invoice, a
 * refunding note on a paid one, then list and retrieve.
 */
export async function creditNoteFlows(run: Run, invoices: { owed: string; paid: string }): Promise<void> {
  const owedBody = { invoice: invoices.owed, amount: 100, reason: "order_change", memo: "Ajv" };
  await run("sandbox", "POST", "/credit-notes/preview", owedBody);
  const owed = await run<{ id: string }>("sandbox", "POST", "/credit-notes", owedBody);
  await run("sandbox", "POST", `/credit-notes/${owed.id}/void`);
  const refunded = await run<{ id: string }>("sandbox", "POST", "/credit-notes", {
    invoice: invoices.paid,
    amount: 200,
    refund_amount: 150,
    out_of_band_amount: 50,
  });
  await run("sandbox", "GET", `/credit-notes?invoice=${invoices.paid}`);
  await run("sandbox", "GET", `/credit-notes/${refunded.id}`);
}
