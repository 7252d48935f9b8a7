/**
 * Every payment method type, declared once: where it works, in which currencies, how the
 * customer completes it, and whether it can be refunded. Payments refuse a method outside its
 * countries or currencies before any provider is called.
 */
export type PaymentFlow =
  | "card"
  | "redirect"
  | "voucher"
  | "qr"
  | "push_approval"
  | "direct_debit"
  | "bank_transfer"
  | "wallet";

export interface PaymentMethodType {
  type: string;
  name: string;
  flow: PaymentFlow;
  /** ISO 3166-1 alpha-2 countries of the payer; empty means worldwide. */
  countries: readonly string[];
  currencies: readonly string[];
  refundable: boolean;
  /** Supports authorize now, capture later. */
  manualCapture: boolean;
}

const EU = [
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
];
const SEPA = [...EU, "CH", "GB", "IS", "LI", "MC", "NO", "SM"];
const CARD_CURRENCIES = [
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "CAD",
  "AUD",
  "CHF",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "CZK",
  "HUF",
  "SGD",
  "HKD",
  "NZD",
  "MXN",
  "BRL",
  "INR",
  "ZAR",
  "AED",
  "KWD",
  "THB",
  "MYR",
  "PHP",
  "IDR",
];

export const paymentMethodTypes: readonly PaymentMethodType[] = [
  {
    type: "card",
    name: "Card",
    flow: "card",
    countries: [],
    currencies: CARD_CURRENCIES,
    refundable: true,
    manualCapture: true,
  },
  {
    type: "bank_transfer",
    name: "Bank transfer",
    flow: "bank_transfer",
    countries: [],
    currencies: ["USD", "EUR", "GBP", "CHF", "SEK", "PLN"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "upi",
    name: "UPI",
    flow: "push_approval",
    countries: ["IN"],
    currencies: ["INR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "upi_qr",
    name: "UPI QR / intent",
    flow: "qr",
    countries: ["IN"],
    currencies: ["INR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "ideal",
    name: "iDEAL",
    flow: "redirect",
    countries: ["NL"],
    currencies: ["EUR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "bancontact",
    name: "Bancontact",
    flow: "redirect",
    countries: ["BE"],
    currencies: ["EUR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "eps",
    name: "EPS",
    flow: "redirect",
    countries: ["AT"],
    currencies: ["EUR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "p24",
    name: "Przelewy24",
    flow: "redirect",
    countries: ["PL"],
    currencies: ["PLN", "EUR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "blik",
    name: "BLIK",
    flow: "push_approval",
    countries: ["PL"],
    currencies: ["PLN"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "sepa_debit",
    name: "SEPA Direct Debit",
    flow: "direct_debit",
    countries: SEPA,
    currencies: ["EUR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "ach_debit",
    name: "ACH Debit",
    flow: "direct_debit",
    countries: ["US"],
    currencies: ["USD"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "bacs_debit",
    name: "Bacs Direct Debit",
    flow: "direct_debit",
    countries: ["GB"],
    currencies: ["GBP"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "becs_debit",
    name: "BECS Direct Debit",
    flow: "direct_debit",
    countries: ["AU"],
    currencies: ["AUD"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "pix",
    name: "Pix",
    flow: "qr",
    countries: ["BR"],
    currencies: ["BRL"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "boleto",
    name: "Boleto",
    flow: "voucher",
    countries: ["BR"],
    currencies: ["BRL"],
    refundable: false,
    manualCapture: false,
  },
  {
    type: "oxxo",
    name: "OXXO",
    flow: "voucher",
    countries: ["MX"],
    currencies: ["MXN"],
    refundable: false,
    manualCapture: false,
  },
  {
    type: "konbini",
    name: "Konbini",
    flow: "voucher",
    countries: ["JP"],
    currencies: ["JPY"],
    refundable: false,
    manualCapture: false,
  },
  {
    type: "paynow",
    name: "PayNow",
    flow: "qr",
    countries: ["SG"],
    currencies: ["SGD"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "promptpay",
    name: "PromptPay",
    flow: "qr",
    countries: ["TH"],
    currencies: ["THB"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "fpx",
    name: "FPX",
    flow: "redirect",
    countries: ["MY"],
    currencies: ["MYR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "grabpay",
    name: "GrabPay",
    flow: "redirect",
    countries: ["MY", "SG", "PH"],
    currencies: ["MYR", "SGD", "PHP"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "gcash",
    name: "GCash",
    flow: "redirect",
    countries: ["PH"],
    currencies: ["PHP"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "alipay",
    name: "Alipay",
    flow: "redirect",
    countries: [],
    currencies: ["CNY", "USD", "EUR", "GBP", "HKD", "SGD", "AUD"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "wechat_pay",
    name: "WeChat Pay",
    flow: "qr",
    countries: [],
    currencies: ["CNY", "USD", "EUR", "GBP", "HKD", "SGD", "AUD"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "mb_way",
    name: "MB WAY",
    flow: "push_approval",
    countries: ["PT"],
    currencies: ["EUR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "multibanco",
    name: "Multibanco",
    flow: "voucher",
    countries: ["PT"],
    currencies: ["EUR"],
    refundable: false,
    manualCapture: false,
  },
  {
    type: "swish",
    name: "Swish",
    flow: "push_approval",
    countries: ["SE"],
    currencies: ["SEK"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "mobilepay",
    name: "MobilePay",
    flow: "push_approval",
    countries: ["DK", "FI"],
    currencies: ["DKK", "EUR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "vipps",
    name: "Vipps",
    flow: "push_approval",
    countries: ["NO"],
    currencies: ["NOK"],
    refundable: true,
    manualCapture: true,
  },
  {
    type: "twint",
    name: "TWINT",
    flow: "push_approval",
    countries: ["CH"],
    currencies: ["CHF"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "klarna",
    name: "Klarna",
    flow: "redirect",
    countries: [...EU, "GB", "NO", "CH", "US"],
    currencies: ["EUR", "GBP", "USD", "SEK", "NOK", "DKK", "CHF", "PLN"],
    refundable: true,
    manualCapture: true,
  },
  {
    type: "afterpay",
    name: "Afterpay / Clearpay",
    flow: "redirect",
    countries: ["US", "CA", "GB", "AU", "NZ"],
    currencies: ["USD", "CAD", "GBP", "AUD", "NZD"],
    refundable: true,
    manualCapture: true,
  },
  {
    type: "affirm",
    name: "Affirm",
    flow: "redirect",
    countries: ["US", "CA"],
    currencies: ["USD", "CAD"],
    refundable: true,
    manualCapture: true,
  },
  {
    type: "sofort",
    name: "Sofort (Klarna Pay Now)",
    flow: "redirect",
    countries: ["AT", "BE", "DE", "ES", "IT", "NL"],
    currencies: ["EUR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "trustly",
    name: "Trustly",
    flow: "redirect",
    countries: ["SE", "FI", "EE", "LV", "LT", "DE", "NL", "ES", "GB", "US"],
    currencies: ["EUR", "SEK", "GBP", "USD"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "giropay",
    name: "giropay",
    flow: "redirect",
    countries: ["DE"],
    currencies: ["EUR"],
    refundable: true,
    manualCapture: false,
  },
  {
    type: "paypay",
    name: "PayPay",
    flow: "qr",
    countries: ["JP"],
    currencies: ["JPY"],
    refundable: true,
    manualCapture: false,
  },
];

const byType = new Map(paymentMethodTypes.map((method) => [method.type, method]));

export function findMethodType(type: string): PaymentMethodType | undefined {
  return byType.get(type);
}

export type MethodSupport = { ok: true } | { ok: false; reason: "currency" | "country" };

/** Whether a method can be used for this currency and payer country (unknown country: currency only). */
export function methodSupports(
  method: PaymentMethodType,
  currency: string,
  country: string | null,
): MethodSupport {
  if (!method.currencies.includes(currency)) return { ok: false, reason: "currency" };
  if (country && method.countries.length > 0 && !method.countries.includes(country))
    return { ok: false, reason: "country" };
  return { ok: true };
}
