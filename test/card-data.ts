import { readFile } from "node:fs/promises";
import { testCards } from "../src/modules/payment-methods/service";

/** Every card number the suite sends: the sandbox behaviours, the brands, the BIN-country cards. */
export const testCardNumbers: readonly string[] = [
  ...Object.keys(testCards),
  "4242424242424242",
  "5555555555554444",
  "2223003122003222",
  "378282246310005",
  "6011111111111117",
  "3530111333300000",
  "4000002500000003",
  "4000003560000008",
  "4000003920000003",
  "4000008260000000",
];

const cvcPatterns = [/"cvc"\s*:\s*"?\d{3,4}/i, /\[cvc\]=\d{3,4}/i, /cvc=\d{3,4}/i];

/** Card numbers (also with spaces or dashes) and CVC values found in a text; empty when clean. */
export function findCardData(text: string): string[] {
  const digitsOnly = text.replace(/(?<=\d)[ -](?=\d)/g, "");
  const found: string[] = testCardNumbers.filter((number) => digitsOnly.includes(number));
  for (const pattern of cvcPatterns) {
    const match = pattern.exec(text);
    if (match) found.push(match[0]);
  }
  return found;
}

/** The Worker's captured console output (test/global-setup.ts), or "" before it has any. */
export async function readWorkerLog(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}

/**
 * The one endpoint whose answer carries a card number and CVC: the cardholder's device redeeming
 * a one-time issuing reveal token. Everything else (responses, events, tables other than the
 * sandbox issuer's sealed vault, logs) is checked to hold none (src/modules/issuing/reveal.test.ts).
 */
export const CARD_DATA_REVEAL_PATH = "/api/v1/issuing/card-details";
