import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildIban,
  formatIban,
  fundingReference,
  isValidAbaRouting,
  isValidIban,
  mod97,
} from "./bank-details";
import { collectionAccounts } from "./collection-accounts";

describe("IBAN", () => {
  it("accepts published examples and refuses a changed digit", () => {
    expect(isValidIban("GB82 WEST 1234 5698 7654 32")).toBe(true);
    expect(isValidIban("DE89370400440532013000")).toBe(true);
    expect(isValidIban("nl91abna0417164300")).toBe(true);
    expect(isValidIban("GB82WEST12345698765433")).toBe(false);
    expect(isValidIban("DE8937040044053201300")).toBe(false);
    expect(isValidIban("XX")).toBe(false);
  });

  it("builds IBANs whose check digits validate, for any account number", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("NL", "GB", "DE"),
        fc.stringMatching(/^[A-Z]{4}$/),
        fc.stringMatching(/^\d{14}$/),
        (country, bank, digits) => {
          const bban = country === "NL" ? `${bank}${digits.slice(0, 10)}` : `${bank}${digits}`;
          const iban = buildIban(country, country === "DE" ? digits.padEnd(18, "0") : bban);
          expect(isValidIban(iban)).toBe(true);
          expect(isValidIban(formatIban(iban))).toBe(true);
        },
      ),
    );
  });

  it("catches every single-character substitution", () => {
    const iban = buildIban("NL", "MGNS0999000100");
    fc.assert(
      fc.property(fc.nat({ max: iban.length - 5 }), fc.integer({ min: 1, max: 9 }), (index, delta) => {
        const position = 4 + index;
        const char = iban[position] ?? "0";
        const changed = /\d/.test(char)
          ? String((Number(char) + delta) % 10)
          : String.fromCharCode(((char.charCodeAt(0) - 65 + delta) % 26) + 65);
        const tampered = iban.slice(0, position) + changed + iban.slice(position + 1);
        expect(isValidIban(tampered)).toBe(false);
      }),
    );
  });

  it("every collection account hands out a valid IBAN and, in USD, a valid ABA routing number", () => {
    for (const byCurrency of Object.values(collectionAccounts)) {
      for (const account of Object.values(byCurrency)) {
        if (account.iban) expect(isValidIban(account.iban)).toBe(true);
        if (account.routingNumber) expect(isValidAbaRouting(account.routingNumber)).toBe(true);
      }
      expect(byCurrency.EUR.iban).not.toBeNull();
      expect(byCurrency.USD.routingNumber).not.toBeNull();
      expect(byCurrency.GBP.sortCode).toMatch(/^\d{2}-\d{2}-\d{2}$/);
    }
  });
});

describe("ABA routing numbers", () => {
  it("checks the 3-7-1 checksum", () => {
    expect(isValidAbaRouting("021000021")).toBe(true);
    expect(isValidAbaRouting("011000015")).toBe(true);
    expect(isValidAbaRouting("110000000")).toBe(true);
    expect(isValidAbaRouting("021000022")).toBe(false);
    expect(isValidAbaRouting("02100002")).toBe(false);
    expect(isValidAbaRouting("02100002a")).toBe(false);
  });
});

describe("funding reference", () => {
  it("is 16 upper-case characters with MOD 97 check digits, stable per merchant and environment", async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^mer_[0-9A-Za-z]{24}$/), async (merchantId) => {
        const reference = await fundingReference(merchantId, "sandbox");
        expect(reference).toMatch(/^MP[0-9A-HJKMNP-TV-Z]{12}\d{2}$/);
        expect(mod97(reference)).toBe(1);
        expect(await fundingReference(merchantId, "sandbox")).toBe(reference);
        expect(await fundingReference(merchantId, "production")).not.toBe(reference);
      }),
      { numRuns: 50 },
    );
  });
});
