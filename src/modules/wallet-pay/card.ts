/**
 * The device card a decrypted wallet token carries: a DPAN (or, for Google Pay PAN_ONLY, the
 * card's number) and its one-time cryptogram. It lives in memory for the request only.
 */
export interface WalletCard {
  number: string;
  expMonth: number;
  expYear: number;
  cryptogram: string | null;
  eci: string | null;
}
