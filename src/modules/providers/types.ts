/**
 * What a payment processor must offer MagnetPay. Calls carry an idempotency key derived from our
 * own ids, so a retried call can never charge twice at the provider.
 */
export interface FeeSchedule {
  /** Percentage part in basis points (290 = 2.9 %). */
  percentBps: number;
  /** Fixed part in each currency's minor units; currencies not listed use `defaultFixed`. */
  fixed: Readonly<Record<string, number>>;
  defaultFixed: number;
  /** Per-method overrides of the percentage (e.g. cheaper bank debits). */
  methodBps?: Readonly<Record<string, number>>;
}

export interface ProviderCapabilities {
  methods: readonly string[];
  currencies: readonly string[];
  /** Payer countries served; empty means worldwide. */
  countries: readonly string[];
}

export interface NextAction {
  type:
    | "redirect_to_url"
    | "display_voucher"
    | "display_qr_code"
    | "await_customer_approval"
    | "three_d_secure"
    | "display_bank_transfer_instructions";
  url?: string;
  reference?: string;
  qr_data?: string;
  expires_at?: string;
}

export interface ProviderFailure {
  code: string;
  message: string;
  declineCode?: string;
  /**
   * A definite refusal before anything was authorized (a processing_error decline, a 429, a saved
   * card this provider cannot use): nothing was charged, so routing may go to the next provider.
   * A call whose outcome is unknown is never a failure; it is `{ status: "unknown" }`.
   */
  retryable: boolean;
}

/**
 * The call may have reached the provider but gave no definite answer (timeout, 5xx, connection
 * lost mid-request, an idempotency conflict): never a failure, never a fallback. Resolved by
 * sending the same idempotency key again or by reading the provider's object (`lookup`).
 */
export interface UnknownOutcome {
  status: "unknown";
  reference: string | null;
  reason: string;
}

export type ProviderOutcome =
  | { status: "succeeded"; reference: string }
  | { status: "requires_capture"; reference: string }
  | { status: "requires_action"; reference: string; nextAction: NextAction }
  | { status: "processing"; reference: string }
  | { status: "failed"; reference: string | null; failure: ProviderFailure }
  | UnknownOutcome;

/**
 * A wallet's network token (Apple Pay, Google Pay CRYPTOGRAM_3DS): the card's number is the
 * device PAN (DPAN), authenticated by a one-time cryptogram and its ECI. In memory only.
 */
export interface NetworkToken {
  cryptogram: string;
  eci: string | null;
  /** Which wallet tokenized the card (Stripe's tokenization_method). */
  wallet: "apple_pay" | "google_pay";
}

/** The card of one call: as typed (with its CVC), or a wallet's DPAN with its network token. */
export interface CardSource {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc: string | null;
  network_token?: NetworkToken | undefined;
}

export interface AuthorizeInput {
  idempotencyKey: string;
  paymentId: string;
  /** 1 for the first provider tried in a confirmation, 2 for the first fallback, ... */
  attempt: number;
  amount: number;
  currency: string;
  method: string;
  capture: "automatic" | "manual";
  /**
   * The card as the customer typed it, only while the request that carried it runs (inline
   * payment_method_data); providers that tokenize themselves need it. Never stored or logged.
   */
  card: CardSource | null;
  /** Sandbox only: the behaviour picked by the test card, amount or VPA. */
  sandboxBehavior: string | null;
  returnUrl: string | null;
  actionBaseUrl: string;
  description: string | null;
}

export interface CaptureInput {
  idempotencyKey: string;
  reference: string;
  amount: number;
  currency: string;
}

export interface RefundInput {
  idempotencyKey: string;
  reference: string;
  amount: number;
  currency: string;
}

export type RefundOutcome =
  | { status: "succeeded" | "pending"; reference: string }
  | { status: "failed"; reference: string | null; failure: ProviderFailure }
  | UnknownOutcome;

/** What `lookup` found: the provider's current view of an authorization, or that it has none. */
export type LookupOutcome = ProviderOutcome | { status: "not_found" };

export interface PaymentProvider {
  id: string;
  name: string;
  capabilities: ProviderCapabilities;
  fees: FeeSchedule;
  /** Days between a captured payment and its funds becoming available. */
  settlementDelayDays: number;
  /** The provider gives its fee back when a payment is refunded in full (docs/payments.md). */
  returnsFeeOnFullRefund: boolean;
  authorize(input: AuthorizeInput): Promise<ProviderOutcome>;
  /**
   * Reads the provider's object for an authorization attempt (by its reference, or by our
   * idempotency key when no answer ever came back) without changing anything.
   */
  lookup(input: AuthorizeInput & { reference: string | null }): Promise<LookupOutcome>;
  capture(input: CaptureInput): Promise<ProviderOutcome>;
  cancel(input: { idempotencyKey: string; reference: string }): Promise<ProviderOutcome>;
  refund(input: RefundInput): Promise<RefundOutcome>;
}
