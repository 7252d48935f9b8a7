import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  binLookup,
  cardBrand,
  cardFingerprint,
  checkCard,
  cvcLengthValid,
  expiryValid,
  luhnValid,
} from "./card";

function withCheckDigit(body: string): string {
  for (let digit = 0; digit <= 9; digit++) if (luhnValid(`${body}${digit}`)) return `${body}${digit}`;
  throw new Error("unreachable");
}

describe("cards", () => {
  it("validates Luhn", () => {
    expect(luhnValid("4242424242424242")).toBe(true);
    expect(luhnValid("4242424242424241")).toBe(false);
    expect(luhnValid("4242")).toBe(false);
    expect(luhnValid("42424242424242a2")).toBe(false);
  });

  it("a single changed digit always breaks Luhn (property)", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{15}$/),
        fc.nat(15),
        fc.integer({ min: 1, max: 9 }),
        (body, position, delta) => {
          const number = withCheckDigit(body);
          const digits = number.split("");
          digits[position] = String((Number(digits[position]) + delta) % 10);
          expect(luhnValid(digits.join(""))).toBe(false);
        },
      ),
    );
  });

  it("knows brands, CVC lengths and BIN countries", () => {
    expect(cardBrand("4242424242424242")).toBe("visa");
    expect(cardBrand("5555555555554444")).toBe("mastercard");
    expect(cardBrand("2223003122003222")).toBe("mastercard");
    expect(cardBrand("378282246310005")).toBe("amex");
    expect(cardBrand("6011111111111117")).toBe("discover");
    expect(cardBrand("3530111333300000")).toBe("jcb");
    expect(cvcLengthValid("amex", "1234")).toBe(true);
    expect(cvcLengthValid("amex", "123")).toBe(false);
    expect(cvcLengthValid("visa", "123")).toBe(true);
    expect(binLookup("4000002500000003").country).toBe("FR");
    expect(binLookup("4000003560000008").country).toBe("IN");
    expect(binLookup("4242424242424242")).toEqual({ country: "US", funding: "credit" });
    expect(binLookup("9999999999999995").country).toBeNull();
  });

  it("checks expiry against the clock, through the end of the month", () => {
    const now = new Date("2026-11-25T00:00:00Z");
    expect(expiryValid(11, 2026, now)).toBe(true);
    expect(expiryValid(10, 2026, now)).toBe(false);
    expect(expiryValid(13, 2030, now)).toBe(false);
    expect(expiryValid(1, 2099, now)).toBe(false);
  });

  it("reports the first problem with a code and the parameter", () => {
    const now = new Date("2026-11-25T00:00:00Z");
    expect(
      checkCard({ number: "4242 4242 4242 4241", exp_month: 12, exp_year: 2030, cvc: "123" }, now),
    ).toMatchObject({
      ok: false,
      code: "card_number_invalid",
    });
    expect(
      checkCard({ number: "4242424242424242", exp_month: 1, exp_year: 2020, cvc: "123" }, now),
    ).toMatchObject({
      ok: false,
      code: "card_expiry_invalid",
    });
    expect(
      checkCard({ number: "378282246310005", exp_month: 1, exp_year: 2030, cvc: "123" }, now),
    ).toMatchObject({
      ok: false,
      code: "card_cvc_invalid",
    });
    expect(
      checkCard({ number: "4242-4242-4242-4242", exp_month: 1, exp_year: 2030, cvc: "123" }, now),
    ).toEqual({
      ok: true,
      brand: "visa",
      last4: "4242",
      country: "US",
      funding: "credit",
    });
  });

  it("fingerprints are stable per key and reveal nothing of the number", async () => {
    const a = await cardFingerprint("4242424242424242", "key-1");
    expect(a).toBe(await cardFingerprint("4242424242424242", "key-1"));
    expect(a).not.toBe(await cardFingerprint("4242424242424242", "key-2"));
    expect(a).not.toContain("4242");
    expect(a).toHaveLength(16);
  });
});
