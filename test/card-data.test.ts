import { describe, expect, inject, it } from "vitest";
import { findCardData, readWorkerLog } from "./card-data";
import { query } from "./db";
import { baseUrl, createMerchant, expectError } from "./harness";
import { eventually } from "./qstash";

const PAN = "4000000000009995";
const CVC = "987";
const card = (number: string, extra: Record<string, unknown> = {}) => ({
  type: "card",
  card: { number, exp_month: 12, exp_year: 2040, cvc: CVC, ...extra },
});

/** PCI DSS 3.3.1 / 3.5.1: the full number and the CVC are never echoed or logged. */
describe("card data in responses and logs", () => {
  it("responses never echo the number or CVC: decline, validation errors, malformed JSON", async () => {
    const m = await createMerchant();
    const declined = await m.sandbox.request("POST", "/payments", {
      amount: 1_000,
      currency: "USD",
      confirm: true,
      payment_method_data: card(PAN),
    });
    expectError(declined, 402, "card_declined");
    const invalid = await m.sandbox.request("POST", "/payments", {
      amount: 1_000,
      currency: "USD",
      confirm: true,
      payment_method_data: card(PAN, { exp_month: 13 }),
    });
    expect(invalid.status).toBe(400);
    const badLuhn = await m.sandbox.request("POST", "/payment-methods", card("4242424242424241"));
    expect(badLuhn.status).toBe(400);
    const unknownField = await m.sandbox.request("POST", "/payments", {
      amount: 1_000,
      currency: "USD",
      payment_method_data: card(PAN, { pin: "1234" }),
    });
    expectError(unknownField, 400, "parameter_unknown");
    const wrongType = await m.sandbox.request("POST", "/payment-methods", {
      type: "card",
      card: { number: Number(PAN), exp_month: 12, exp_year: 2040, cvc: CVC },
    });
    expect(wrongType.status).toBe(400);
    const malformed = await m.sandbox.request(
      "POST",
      "/payments",
      `{"amount":1000,"currency":"USD","payment_method_data":{"type":"card","card":{"number":"${PAN}","cvc":"${CVC}"`,
    );
    expectError(malformed, 400, "json_invalid");
    for (const res of [declined, invalid, badLuhn, unknownField, wrongType, malformed]) {
      expect(findCardData(res.text)).toEqual([]);
      expect(res.text).not.toContain(PAN);
      expect(res.text).not.toContain("4242424242424241");
      expect(res.text).not.toContain(CVC);
    }
  });

  it("the Worker's console output is captured, and holds no card number or CVC", async () => {
    const logFile = inject("workerLogFile");
    // A cron run logs a line with its run id: proof the capture sees the Worker's console.
    const slot = Date.UTC(2003, 0, 1) + Math.floor(Math.random() * 1_000_000) * 300_000;
    await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("*/5 * * * *")}&time=${slot}`);
    const [run] = await query<{ id: string }>(
      "select id from function_runs where function_name = 'settlement-run' and window_key = $1",
      [new Date(slot).toISOString().slice(0, 16)],
    );
    expect(run?.id).toBeTruthy();
    const log = await eventually(async () => {
      const text = await readWorkerLog(logFile);
      return text.includes(run?.id ?? "-") ? text : undefined;
    });
    expect(findCardData(log)).toEqual([]);
    expect(findCardData(`card 4242 4242 4242 4242, {"cvc":"123"}`)).toEqual([
      "4242424242424242",
      '"cvc":"123',
    ]);
  });
});
