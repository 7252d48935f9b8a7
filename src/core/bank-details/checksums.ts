import UkModulusChecking from "uk-modulus-checking";

/** Digits weighted in a repeating pattern, each product taken mod 10, summed mod 10 (ABA, CLABE). */
function weightedMod10(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++)
    sum += (Number(digits[i]) * (weights[i % weights.length] ?? 0)) % 10;
  return sum % 10;
}

const ABA_WEIGHTS = [3, 7, 1] as const;

/** ABA routing numbers: nine digits whose 3-7-1 weighted sum is a multiple of ten. */
export function isValidAbaRouting(routing: string): boolean {
  return /^\d{9}$/.test(routing) && weightedMod10(routing, ABA_WEIGHTS) === 0;
}

/** The ninth digit that makes eight routing digits a valid ABA routing number. */
export function abaCheckDigit(first8: string): string {
  return String((10 - weightedMod10(`${first8}0`, ABA_WEIGHTS)) % 10);
}

const CLABE_WEIGHTS = [3, 7, 1] as const;

/** Mexican CLABE: 18 digits, the last the Banxico 3-7-1 check digit over the first 17. */
export function isValidClabe(clabe: string): boolean {
  return /^\d{18}$/.test(clabe) && clabeCheckDigit(clabe.slice(0, 17)) === clabe.slice(17);
}

export function clabeCheckDigit(first17: string): string {
  return String((10 - weightedMod10(first17, CLABE_WEIGHTS)) % 10);
}

/** UK sort code + account number through VocaLink's published modulus checks (valacdos table, exceptions 1–14). */
export function isValidUkAccount(sortCode: string, accountNumber: string): boolean {
  if (!/^\d{6}$/.test(sortCode) || !/^\d{8}$/.test(accountNumber)) return false;
  return new UkModulusChecking({ sortCode, accountNumber }).isValid();
}
