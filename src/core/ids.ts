/** Every object id prefix, in one map, so ids say what they name. */
export const idPrefixes = {
  merchant: "mer",
  user: "usr",
  session: "ses",
  apiKey: "key",
  customer: "cus",
  event: "evt",
  auditLog: "aud",
  request: "req",
  fxRateSnapshot: "fxr",
  fxQuote: "fxq",
  fxConversion: "fxc",
  functionRun: "fnr",
  ledgerAccount: "lac",
  ledgerTransaction: "ltx",
  ledgerEntry: "len",
  hold: "hold",
  fundingDeposit: "fdep",
  webhookEndpoint: "we",
  webhookDelivery: "whd",
  webhookAttempt: "wha",
  paymentMethod: "pm",
  payment: "pay",
  refund: "re",
  providerConnection: "pcon",
  routingRule: "rr",
  product: "prod",
  price: "price",
  coupon: "co",
  promotionCode: "promo",
  discount: "di",
  meter: "mtr",
  usageRecord: "ur",
  taxRate: "txr",
  invoiceItem: "ii",
  invoice: "in",
  creditNote: "cn",
  bankAccount: "ba",
  mandate: "mdt",
  globalAccount: "ga",
  globalAccountTransfer: "gatr",
  issuingCardholder: "ich",
  issuingCard: "ic",
  issuingAuthorization: "iauth",
  issuingTransaction: "ipi",
  issuingRevealToken: "irt",
  issuingDispute: "idp",
  individualVerification: "idv",
  businessVerification: "kyb",
  verificationDocument: "vdoc",
  cryptoAddress: "caddr",
  cryptoDeposit: "cdep",
  payout: "po",
  payoutBatch: "pob",
  payoutSchedule: "posch",
  settlement: "stl",
  settlementSchedule: "ssch",
  bankTransfer: "bt",
  bankTransferSubmission: "bts",
  cryptoTransfer: "ctr",
  cryptoPayment: "cpay",
  walletSession: "wps",
  checkoutSession: "cs",
  paymentLink: "plink",
  testClock: "clock",
  subscription: "sub",
  subscriptionItem: "si",
  email: "em",
  invoiceReminder: "irem",
} as const;

export type IdKind = keyof typeof idPrefixes;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62 text; rejection sampling keeps every character equally likely. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const byte of bytes) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function newId(kind: IdKind): string {
  return `${idPrefixes[kind]}_${randomBase62(24)}`;
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${idPrefixes[kind]}_`);
}
