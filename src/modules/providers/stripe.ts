import type {
  AuthorizeInput,
  FeeSchedule,
  LookupOutcome,
  NextAction,
  PaymentProvider,
  ProviderCapabilities,
  ProviderFailure,
  ProviderOutcome,
  RefundOutcome,
  UnknownOutcome,
} from "./types";

/**
 * Stripe over fetch: PaymentIntents (create+confirm, capture, cancel, retrieve, search) and
 * Refunds, form-encoded, every POST with an Idempotency-Key derived from our ids and every call
 * under `AbortSignal.timeout`. Declines come back as 402 card_error. Only answers that say Stripe
 * did nothing may fall back to another provider (a 429, a processing_error decline, a connection
 * refused before the request was sent); a timeout, a 5xx, a lost connection or an idempotency
 * conflict is an unknown outcome: Stripe may have charged, so it is resolved with the same key
 * or by reading the PaymentIntent (`lookup`), never by trying elsewhere.
 */
export const STRIPE_API_BASE = "https://api.stripe.com";
const STRIPE_VERSION = "2024-06-20";

export const stripeCapabilities: ProviderCapabilities = {
  methods: ["card"],
  currencies: [
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
    "SGD",
    "HKD",
    "NZD",
    "MXN",
  ],
  countries: [],
};

export const stripeFees: FeeSchedule = {
  percentBps: 290,
  fixed: { USD: 30, EUR: 25, GBP: 20 },
  defaultFixed: 30,
};

/** Stripe's documented test PaymentMethods, for our test cards in test mode (sk_test_ keys). */
const testPaymentMethods: Readonly<Record<string, string>> = {
  decline_generic: "pm_card_visa_chargeDeclined",
  decline_insufficient_funds: "pm_card_visa_chargeDeclinedInsufficientFunds",
  decline_expired_card: "pm_card_chargeDeclinedExpiredCard",
  decline_incorrect_cvc: "pm_card_chargeDeclinedIncorrectCvc",
  processing_error: "pm_card_chargeDeclinedProcessingError",
  three_d_secure: "pm_card_threeDSecure2Required",
};

interface StripeError {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  payment_intent?: { id?: string };
}

interface StripeIntent {
  id: string;
  status: string;
  next_action?: { type?: string; redirect_to_url?: { url?: string } } | null;
  last_payment_error?: StripeError | null;
}

type StripeResult<T> =
  | { ok: true; body: T }
  | { ok: false; failure: ProviderFailure; reference: string | null }
  | { ok: false; unknown: UnknownOutcome };

/**
 * Errors that prove the request never left: nothing can have been charged. workerd reports a refused
 * connection as "Network connection lost." like a connection lost mid-request, so in the Worker a
 * refusal stays an unknown outcome (stripe.test.ts); these words come from other runtimes.
 */
const NOT_SENT = /ECONNREFUSED|connection refused|ENOTFOUND|getaddrinfo|could not resolve|dns/i;

function unknownOf(reason: string, reference: string | null = null): { ok: false; unknown: UnknownOutcome } {
  return { ok: false, unknown: { status: "unknown", reference, reason } };
}

function form(params: Record<string, string | number | undefined>): string {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) body.set(key, String(value));
  return body.toString();
}

function failureOf(status: number, error: StripeError | undefined): ProviderFailure {
  // A 429 is refused before Stripe does anything; a processing_error decline charged nothing.
  const retryable = status === 429 || error?.code === "processing_error";
  if (error?.type === "card_error") {
    return {
      code: error.code === "processing_error" ? "processing_error" : "card_declined",
      message: error.message ?? "The card was declined.",
      declineCode: error.decline_code ?? error.code ?? "generic_decline",
      retryable,
    };
  }
  return {
    code: retryable ? "provider_unavailable" : "provider_error",
    message: `Stripe answered ${status}${error?.type ? ` ${error.type}` : ""}.`,
    retryable,
  };
}

export function createStripeProvider(options: {
  secretKey: string;
  apiBase: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): PaymentProvider {
  const doFetch = options.fetch ?? fetch;
  const testMode = /^(sk|rk)_test_/.test(options.secretKey);

  async function call<T>(
    path: string,
    params: Record<string, string | number | undefined> | null,
    idempotencyKey: string | null,
  ): Promise<StripeResult<T>> {
    let response: Response;
    try {
      response = await doFetch(`${options.apiBase}${path}`, {
        method: params ? "POST" : "GET",
        headers: {
          authorization: `Bearer ${options.secretKey}`,
          ...(params ? { "content-type": "application/x-www-form-urlencoded" } : {}),
          ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
          "stripe-version": STRIPE_VERSION,
        },
        ...(params ? { body: form(params) } : {}),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      const message = error instanceof Error ? error.message : String(error);
      if (name !== "TimeoutError" && name !== "AbortError" && NOT_SENT.test(message)) {
        return {
          ok: false,
          reference: null,
          failure: { code: "provider_unavailable", message: "Stripe could not be reached.", retryable: true },
        };
      }
      return unknownOf(name === "TimeoutError" ? "timeout" : "connection_lost");
    }
    let body: T & { error?: StripeError };
    try {
      body = (await response.json()) as T & { error?: StripeError };
    } catch {
      // The status line came back but the body did not: only a definite 4xx is still definite.
      if (response.status >= 500 || response.ok || response.status === 409) return unknownOf("body_lost");
      body = {} as T & { error?: StripeError };
    }
    if (response.ok) return { ok: true, body };
    const reference = body.error?.payment_intent?.id ?? null;
    // 5xx: Stripe may have acted (and stores the answer under the key); 409/idempotency_error: a
    // request with this key is running or ran with other parameters. Either way: unknown.
    if (response.status >= 500 || response.status === 409 || body.error?.type === "idempotency_error") {
      return unknownOf(`stripe_${response.status}`, reference);
    }
    return { ok: false, reference, failure: failureOf(response.status, body.error) };
  }

  function outcomeOf(intent: StripeIntent): ProviderOutcome {
    switch (intent.status) {
      case "succeeded":
        return { status: "succeeded", reference: intent.id };
      case "requires_capture":
        return { status: "requires_capture", reference: intent.id };
      case "processing":
        return { status: "processing", reference: intent.id };
      case "requires_action": {
        const url = intent.next_action?.redirect_to_url?.url;
        const nextAction: NextAction = url ? { type: "redirect_to_url", url } : { type: "three_d_secure" };
        return { status: "requires_action", reference: intent.id, nextAction };
      }
      default:
        return {
          status: "failed",
          reference: intent.id,
          failure: intent.last_payment_error
            ? failureOf(402, intent.last_payment_error)
            : {
                code: "card_declined",
                message: `Stripe status ${intent.status}.`,
                declineCode: "generic_decline",
                retryable: false,
              },
        };
    }
  }

  function paymentMethodParams(input: AuthorizeInput): Record<string, string | number | undefined> | null {
    const token = input.card?.network_token;
    if (input.card && token) {
      // Stripe's network token fields: the DPAN and its expiry on the card, the cryptogram and ECI
      // as options of this one confirmation.
      return {
        "payment_method_data[type]": "card",
        "payment_method_data[card][exp_month]": input.card.exp_month,
        "payment_method_data[card][exp_year]": input.card.exp_year,
        "payment_method_data[card][last4]": input.card.number.slice(-4),
        "payment_method_data[card][network_token][number]": input.card.number,
        "payment_method_data[card][network_token][exp_month]": input.card.exp_month,
        "payment_method_data[card][network_token][exp_year]": input.card.exp_year,
        "payment_method_data[card][network_token][tokenization_method]":
          token.wallet === "apple_pay" ? "apple_pay" : "google_pay_dpan",
        "payment_method_options[card][network_token][cryptogram]": token.cryptogram,
        "payment_method_options[card][network_token][electronic_commerce_indicator]": token.eci ?? undefined,
      };
    }
    if (input.card) {
      return {
        "payment_method_data[type]": "card",
        "payment_method_data[card][number]": input.card.number,
        "payment_method_data[card][exp_month]": input.card.exp_month,
        "payment_method_data[card][exp_year]": input.card.exp_year,
        "payment_method_data[card][cvc]": input.card.cvc ?? undefined,
      };
    }
    if (testMode)
      return { payment_method: testPaymentMethods[input.sandboxBehavior ?? ""] ?? "pm_card_visa" };
    return null;
  }

  return {
    id: "stripe",
    name: "Stripe",
    capabilities: stripeCapabilities,
    fees: stripeFees,
    settlementDelayDays: 2,
    // Stripe keeps its processing fee on refunds, full ones included.
    returnsFeeOnFullRefund: false,
    async authorize(input) {
      const method = paymentMethodParams(input);
      if (!method) {
        // A saved card has no Stripe token: let routing try the next provider.
        return {
          status: "failed",
          reference: null,
          failure: {
            code: "provider_unavailable",
            message: "Stripe needs the card details in this request.",
            retryable: true,
          },
        };
      }
      const result = await call<StripeIntent>(
        "/v1/payment_intents",
        {
          amount: input.amount,
          currency: input.currency.toLowerCase(),
          capture_method: input.capture,
          confirm: "true",
          "payment_method_types[0]": "card",
          return_url: input.returnUrl ?? input.actionBaseUrl,
          description: input.description ?? undefined,
          "metadata[magnetpay_payment]": input.paymentId,
          "metadata[magnetpay_attempt]": input.idempotencyKey,
          ...method,
        },
        input.idempotencyKey,
      );
      if (result.ok) return outcomeOf(result.body);
      if ("unknown" in result) return result.unknown;
      return { status: "failed", reference: result.reference, failure: result.failure };
    },
    async lookup(input): Promise<LookupOutcome> {
      if (input.reference) {
        const found = await call<StripeIntent>(
          `/v1/payment_intents/${encodeURIComponent(input.reference)}`,
          null,
          null,
        );
        if (found.ok) return outcomeOf(found.body);
        return "unknown" in found ? found.unknown : { status: "not_found" };
      }
      // No answer ever came back: find the PaymentIntent by the attempt key we put in its metadata.
      const query = `metadata['magnetpay_attempt']:'${input.idempotencyKey.replace(/['\\]/g, "")}'`;
      const found = await call<{ data: StripeIntent[] }>(
        `/v1/payment_intents/search?query=${encodeURIComponent(query)}`,
        null,
        null,
      );
      if (!found.ok) return "unknown" in found ? found.unknown : { status: "not_found" };
      const [intent] = found.body.data ?? [];
      return intent ? outcomeOf(intent) : { status: "not_found" };
    },
    async capture(input) {
      const result = await call<StripeIntent>(
        `/v1/payment_intents/${encodeURIComponent(input.reference)}/capture`,
        { amount_to_capture: input.amount },
        input.idempotencyKey,
      );
      if (result.ok) return outcomeOf(result.body);
      if ("unknown" in result) return result.unknown;
      return { status: "failed", reference: input.reference, failure: result.failure };
    },
    async cancel(input) {
      const result = await call<StripeIntent>(
        `/v1/payment_intents/${encodeURIComponent(input.reference)}/cancel`,
        {},
        input.idempotencyKey,
      );
      if (result.ok) return { status: "succeeded", reference: result.body.id };
      if ("unknown" in result) return result.unknown;
      return { status: "failed", reference: input.reference, failure: result.failure };
    },
    async refund(input): Promise<RefundOutcome> {
      const result = await call<{ id: string; status: string }>(
        "/v1/refunds",
        { payment_intent: input.reference, amount: input.amount },
        input.idempotencyKey,
      );
      if (!result.ok) {
        if ("unknown" in result) return result.unknown;
        return { status: "failed", reference: null, failure: result.failure };
      }
      if (result.body.status === "succeeded") return { status: "succeeded", reference: result.body.id };
      if (result.body.status === "failed" || result.body.status === "canceled") {
        return {
          status: "failed",
          reference: result.body.id,
          failure: { code: "refund_failed", message: "Stripe refused the refund.", retryable: false },
        };
      }
      return { status: "pending", reference: result.body.id };
    },
  };
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Stripe-Signature: "t=<unix>,v1=<hex HMAC-SHA256 of `${t}.${body}`>", within a 5-minute tolerance. */
export async function verifyStripeSignature(options: {
  header: string | undefined;
  body: string;
  secret: string;
  now: Date;
  toleranceSeconds?: number;
}): Promise<boolean> {
  if (!options.header) return false;
  const parts = options.header.split(",").map((part) => part.split("=", 2) as [string, string | undefined]);
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  const signatures = parts.filter(([key]) => key === "v1").map(([, value]) => value ?? "");
  if (!Number.isFinite(timestamp) || signatures.length === 0) return false;
  if (Math.abs(options.now.getTime() / 1000 - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(options.secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const expected = hex(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${options.body}`)),
  );
  let match = false;
  for (const signature of signatures) {
    let difference = signature.length ^ expected.length;
    for (let i = 0; i < expected.length; i++)
      difference |= (signature.charCodeAt(i) || 0) ^ expected.charCodeAt(i);
    if (difference === 0) match = true;
  }
  return match;
}
