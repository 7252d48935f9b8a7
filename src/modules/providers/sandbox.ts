import { findMethodType, type SandboxBehavior } from "../payment-methods/service";
import type {
  AuthorizeInput,
  FeeSchedule,
  NextAction,
  PaymentProvider,
  ProviderCapabilities,
  ProviderFailure,
  ProviderOutcome,
  RefundOutcome,
} from "./types";

/**
 * Simulated processors for sandbox. They keep no state of their own (the payment row is the
 * state); outcomes follow the payment's `sandbox_behavior`, chosen from the test card, VPA or
 * amount when the payment method was created. References derive from our idempotency key, so a
 * retried call answers the same way.
 */
const declines: Partial<Record<SandboxBehavior, { declineCode: string; message: string }>> = {
  decline_generic: { declineCode: "generic_decline", message: "The payment was declined." },
  decline_insufficient_funds: {
    declineCode: "insufficient_funds",
    message: "The card has insufficient funds.",
  },
  decline_expired_card: { declineCode: "expired_card", message: "The card has expired." },
  decline_incorrect_cvc: { declineCode: "incorrect_cvc", message: "The card's security code is incorrect." },
  customer_declines: { declineCode: "customer_declined", message: "The customer declined the request." },
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function failure(reference: string, failed: ProviderFailure): ProviderOutcome {
  return { status: "failed", reference, failure: failed };
}

function processingError(): ProviderFailure {
  return {
    code: "processing_error",
    message: "The processor refused the payment with a processing error; nothing was charged.",
    retryable: true,
  };
}

function nextActionFor(method: string, input: AuthorizeInput, reference: string): NextAction | null {
  const flow = findMethodType(method)?.flow ?? "card";
  const url = input.actionBaseUrl;
  switch (flow) {
    case "redirect":
      return { type: "redirect_to_url", url };
    case "voucher":
      return { type: "display_voucher", url, reference: reference.slice(-12).toUpperCase() };
    case "qr":
      return { type: "display_qr_code", url, qr_data: `magnetpay-sandbox:${input.paymentId}` };
    case "push_approval":
      return input.sandboxBehavior === "auto_approve" ? null : { type: "await_customer_approval", url };
    case "bank_transfer":
      return { type: "display_bank_transfer_instructions", url, reference: bankReference(input.paymentId) };
    default:
      return null;
  }
}

/** A unique transfer reference the payer quotes, derived from the payment id. */
export function bankReference(paymentId: string): string {
  return `MP${paymentId.slice(-10).toUpperCase()}`;
}

interface SandboxSpec {
  id: string;
  name: string;
  capabilities: ProviderCapabilities;
  fees: FeeSchedule;
  settlementDelayDays: number;
  returnsFeeOnFullRefund: boolean;
  latencyMs: number;
}

export function createSandboxProcessor(spec: SandboxSpec): PaymentProvider {
  const ref = (key: string) => `${spec.id}_${key.replace(/[^0-9A-Za-z]/g, "_")}`;
  /** Stateless: the same attempt always gets the same answer, so a lookup is the answer again. */
  function answer(input: AuthorizeInput): ProviderOutcome {
    const reference = ref(input.idempotencyKey);
    const behavior = input.sandboxBehavior as SandboxBehavior | null;
    const decline = behavior ? declines[behavior] : undefined;
    if (decline) {
      return failure(reference, {
        code: input.method === "card" ? "card_declined" : "payment_declined",
        message: decline.message,
        declineCode: decline.declineCode,
        retryable: false,
      });
    }
    if (behavior === "processing_error") return failure(reference, processingError());
    if (behavior === "first_provider_fails" && input.attempt === 1)
      return failure(reference, processingError());
    if (input.method === "card") {
      if (behavior === "three_d_secure")
        return {
          status: "requires_action",
          reference,
          nextAction: { type: "three_d_secure", url: input.actionBaseUrl },
        };
      return { status: input.capture === "manual" ? "requires_capture" : "succeeded", reference };
    }
    if (findMethodType(input.method)?.flow === "direct_debit") return { status: "processing", reference };
    const nextAction = nextActionFor(input.method, input, reference);
    if (nextAction) return { status: "requires_action", reference, nextAction };
    return { status: input.capture === "manual" ? "requires_capture" : "succeeded", reference };
  }
  return {
    id: spec.id,
    name: spec.name,
    capabilities: spec.capabilities,
    fees: spec.fees,
    settlementDelayDays: spec.settlementDelayDays,
    returnsFeeOnFullRefund: spec.returnsFeeOnFullRefund,
    async authorize(input) {
      await sleep(spec.latencyMs);
      return answer(input);
    },
    async lookup(input) {
      return answer(input);
    },
    async capture(input) {
      await sleep(spec.latencyMs);
      return { status: "succeeded", reference: input.reference };
    },
    async cancel(input) {
      await sleep(spec.latencyMs);
      return { status: "succeeded", reference: input.reference };
    },
    async refund(input): Promise<RefundOutcome> {
      await sleep(spec.latencyMs);
      const reference = ref(input.idempotencyKey);
      // Documented sandbox outcome: a refund amount ending in 0002 is refused (docs/payments.md).
      if (input.amount % 10_000 === 2) {
        return {
          status: "failed",
          reference,
          failure: {
            code: "expired_or_canceled_card",
            message: "The card was closed or expired after the payment; the refund could not be sent.",
            retryable: false,
          },
        };
      }
      return { status: "succeeded", reference };
    },
  };
}

const APAC = ["IN", "SG", "TH", "MY", "PH", "JP", "AU", "NZ", "HK", "CN", "ID", "US"];
const EUROPE = [
  ...["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT"],
  ...["LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "CH", "GB", "IS", "LI", "NO"],
];

/** Three processors with different coverage and prices, so routing has real choices to make. */
export const sandboxProcessorSpecs: readonly SandboxSpec[] = [
  {
    id: "sandbox_global",
    name: "Sandbox Global Acquirer",
    capabilities: {
      methods: ["card", "bank_transfer", "alipay", "wechat_pay", "klarna", "afterpay", "affirm"].concat([
        "ach_debit",
        "pix",
        "boleto",
        "oxxo",
        "trustly",
      ]),
      currencies: [
        ...["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF"],
        ...["SGD", "HKD", "NZD", "MXN", "BRL", "INR", "ZAR", "AED", "KWD", "THB", "MYR", "PHP", "IDR", "CNY"],
      ],
      countries: [],
    },
    fees: {
      percentBps: 290,
      fixed: { USD: 30, EUR: 25, GBP: 20, JPY: 30, KWD: 100 },
      defaultFixed: 30,
      methodBps: { ach_debit: 80, bank_transfer: 50 },
    },
    settlementDelayDays: 2,
    returnsFeeOnFullRefund: false,
    latencyMs: 3,
  },
  {
    id: "sandbox_europe",
    name: "Sandbox Euro Processing",
    capabilities: {
      methods: ["card", "sepa_debit", "bacs_debit", "bank_transfer", "ideal", "bancontact", "eps", "p24"]
        .concat(["blik", "sofort", "giropay", "trustly", "mb_way", "multibanco", "swish", "mobilepay"])
        .concat(["vipps", "twint", "klarna"]),
      currencies: ["EUR", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF"],
      countries: EUROPE,
    },
    fees: {
      percentBps: 140,
      fixed: { EUR: 25, GBP: 20 },
      defaultFixed: 25,
      methodBps: { sepa_debit: 35, bacs_debit: 50, bank_transfer: 20 },
    },
    settlementDelayDays: 1,
    returnsFeeOnFullRefund: true,
    latencyMs: 4,
  },
  {
    id: "sandbox_apac",
    name: "Sandbox APAC Payments",
    capabilities: {
      methods: ["card", "upi", "upi_qr", "paynow", "promptpay", "fpx", "grabpay", "gcash", "alipay"].concat([
        "wechat_pay",
        "paypay",
        "konbini",
        "becs_debit",
        "afterpay",
      ]),
      currencies: ["INR", "SGD", "THB", "MYR", "PHP", "JPY", "AUD", "NZD", "HKD", "CNY", "IDR", "USD"],
      countries: APAC,
    },
    fees: {
      percentBps: 250,
      fixed: { INR: 200, USD: 100, JPY: 10 },
      defaultFixed: 30,
      methodBps: { upi: 80, upi_qr: 60, paynow: 90, promptpay: 90, becs_debit: 60 },
    },
    settlementDelayDays: 3,
    returnsFeeOnFullRefund: false,
    latencyMs: 5,
  },
];

export const sandboxProcessors: readonly PaymentProvider[] =
  sandboxProcessorSpecs.map(createSandboxProcessor);

export function findSandboxProcessor(id: string): PaymentProvider | undefined {
  return sandboxProcessors.find((provider) => provider.id === id);
}
