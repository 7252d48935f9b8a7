import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { decideSandboxAction } from "../../../test/sandbox-actions";

type Payment = {
  id: string;
  status: string;
  provider: string | null;
  next_action: { type: string; url?: string; reference?: string; qr_data?: string } | null;
  decline_code: string | null;
  routing: { attempts: Array<{ provider: string; outcome: string }> } | null;
};

describe("local methods end to end", () => {
  it("iDEAL: redirect page, approve, redirected back to return_url, succeeded", async () => {
    const m = await createMerchant();
    const res = await m.sandbox.request<Payment>("POST", "/payments", {
      amount: 2_500,
      currency: "EUR",
      confirm: true,
      payment_method_data: { type: "ideal", billing_details: { country: "NL" } },
      return_url: "https://shop.example/done",
    });
    expect(res.body).toMatchObject({ status: "requires_action", provider: "sandbox_europe" });
    expect(res.body.next_action?.type).toBe("redirect_to_url");
    const url = res.body.next_action?.url ?? "";
    const page = await fetch(url);
    expect(await page.text()).toContain("iDEAL");
    const back = await decideSandboxAction(url, "approve");
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe(
      `https://shop.example/done?payment=${res.body.id}&status=succeeded`,
    );
    const after = await m.sandbox.request<Payment>("GET", `/payments/${res.body.id}`);
    expect(after.body.status).toBe("succeeded");
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [res.body.id],
    );
    expect(events.map((e) => e.type)).toEqual([
      "payment.created",
      "payment.requires_action",
      "payment.succeeded",
    ]);
  });

  it("UPI: success@upi completes, failure@upi declines, other VPAs wait for approval in the app", async () => {
    const m = await createMerchant();
    const upi = (vpa: string) =>
      m.sandbox.request<Payment>("POST", "/payments", {
        amount: 50_000,
        currency: "INR",
        confirm: true,
        payment_method_data: { type: "upi", upi: { vpa } },
      });
    const ok = await upi("success@upi");
    expect(ok.body).toMatchObject({ status: "succeeded", provider: "sandbox_apac" });
    const declined = await upi("failure@upi");
    expectError(declined, 402, "payment_declined");
    const pending = await upi("ravi@okbank");
    expect(pending.body.next_action?.type).toBe("await_customer_approval");
    await decideSandboxAction(pending.body.next_action?.url ?? "", "approve");
    expect((await m.sandbox.request<Payment>("GET", `/payments/${pending.body.id}`)).body.status).toBe(
      "succeeded",
    );
    expectError(await upi("not a vpa"), 400, "vpa_invalid");
  });

  it("UPI QR, Pix QR and OXXO voucher show their next action; bank transfer completes when the transfer arrives", async () => {
    const m = await createMerchant();
    const qr = await m.sandbox.request<Payment>("POST", "/payments", {
      amount: 10_000,
      currency: "INR",
      confirm: true,
      payment_method_data: { type: "upi_qr" },
    });
    expect(qr.body.next_action?.type).toBe("display_qr_code");
    const voucher = await m.sandbox.request<Payment>("POST", "/payments", {
      amount: 10_000,
      currency: "MXN",
      confirm: true,
      payment_method_data: { type: "oxxo" },
    });
    expect(voucher.body.next_action).toMatchObject({ type: "display_voucher" });
    const transfer = await m.sandbox.request<Payment>("POST", "/payments", {
      amount: 10_000,
      currency: "EUR",
      confirm: true,
      payment_method_data: { type: "bank_transfer", billing_details: { country: "DE" } },
    });
    expect(transfer.body.next_action?.type).toBe("display_bank_transfer_instructions");
    expect(transfer.body.next_action?.reference).toMatch(/^MP[0-9A-Z]{10}$/);
    const arrived = await m.sandbox.request<Payment>(
      "POST",
      `/sandbox/payments/${transfer.body.id}/complete`,
      { outcome: "succeeded" },
    );
    expect(arrived.body.status).toBe("succeeded");
    expectError(
      await m.production.request("POST", `/sandbox/payments/${transfer.body.id}/complete`, {
        outcome: "succeeded",
      }),
      403,
      "sandbox_only",
    );
  });

  it("SEPA Direct Debit is processing until it clears; special amounts decline or fall back", async () => {
    const m = await createMerchant();
    const debit = await m.sandbox.request<Payment>("POST", "/payments", {
      amount: 10_000,
      currency: "EUR",
      confirm: true,
      payment_method_data: { type: "sepa_debit", billing_details: { country: "DE" } },
    });
    expect(debit.body).toMatchObject({ status: "processing", provider: "sandbox_europe" });
    const cleared = await m.sandbox.request<Payment>("POST", `/sandbox/payments/${debit.body.id}/complete`, {
      outcome: "failed",
    });
    expect(cleared.body.status).toBe("failed");
    const declined = await m.sandbox.request("POST", "/payments", {
      amount: 10_002,
      currency: "EUR",
      confirm: true,
      payment_method_data: { type: "ideal", billing_details: { country: "NL" } },
    });
    expectError(declined, 402, "payment_declined");
    const fallback = await m.sandbox.request<Payment>("POST", "/payments", {
      amount: 20_341,
      currency: "USD",
      confirm: true,
      payment_method_data: { type: "alipay" },
    });
    expect(fallback.body.routing?.attempts.map((a) => a.outcome)).toEqual(["failed", "requires_action"]);
  });

  it("serves the catalog of at least 30 local methods", async () => {
    const m = await createMerchant();
    const res = await m.sandbox.request<{ data: Array<{ type: string; flow: string; refundable: boolean }> }>(
      "GET",
      "/payment-methods/types",
    );
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThanOrEqual(33);
    expect(res.body.data.find((t) => t.type === "boleto")).toMatchObject({
      flow: "voucher",
      refundable: false,
    });
  });
});
