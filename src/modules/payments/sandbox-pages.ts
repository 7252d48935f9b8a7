import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/context";
import { formatAmount } from "../../core/money";
import { describeSandboxAction, type SandboxActionView, submitSandboxAction } from "./service";

/**
 * The customer's side of sandbox payments, served by the Worker as HTML: the 3-D Secure
 * challenge, the bank or wallet redirect, the voucher, the QR code, the app approval. No API key:
 * the token in the URL the payment's next_action carries is the credential.
 */
const titles: Record<string, string> = {
  three_d_secure: "3-D Secure authentication",
  redirect_to_url: "Approve the payment at your bank or wallet",
  display_voucher: "Pay the voucher",
  display_qr_code: "Scan the QR code",
  await_customer_approval: "Approve the request in your app",
  display_bank_transfer_instructions: "Send the bank transfer",
};

function page(view: SandboxActionView, token: string) {
  const amount = `${formatAmount(view.amount, view.currency)} ${view.currency}`;
  const pending = view.status === "requires_action";
  return html`<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>MagnetPay sandbox: ${view.methodName}</title></head>
  <body>
    <h1>${titles[view.actionType] ?? "Sandbox payment"}</h1>
    <p>${view.methodName}: <strong>${amount}</strong></p>
    ${view.reference ? html`<p>Reference: <code>${view.reference}</code></p>` : ""}
    <p>Status: <span id="status">${view.status}</span></p>
    ${
      pending
        ? html`<form method="post">
            <input type="hidden" name="token" value="${token}" />
            <button name="decision" value="approve">Approve</button>
            <button name="decision" value="decline">Decline</button>
          </form>`
        : ""
    }
    <p><small>Simulated by MagnetPay sandbox. No real money moves.</small></p>
  </body>
</html>`;
}

export const sandboxPagesRouter = new Hono<AppEnv>()
  .get("/sandbox/actions/:id", async (c) => {
    const token = c.req.query("token") ?? "";
    const view = await describeSandboxAction(c.get("services"), c.req.param("id"), token);
    return c.html(page(view, token));
  })
  .post("/sandbox/actions/:id", async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token : "";
    const approve = form.decision === "approve";
    const view = await submitSandboxAction(c.get("services"), c.req.param("id"), token, approve);
    if (view.returnUrl) {
      const target = new URL(view.returnUrl);
      target.searchParams.set("payment", view.id);
      target.searchParams.set("status", view.status);
      return c.redirect(target.toString(), 303);
    }
    return c.html(page(view, token));
  });
