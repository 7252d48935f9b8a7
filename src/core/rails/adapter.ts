import type { RailId } from "./rails";

/** One credit to a bank account, as a rail provider is asked to send it. */
export interface RailCredit {
  /** Our payout id: the provider's idempotency key, so a retried submission returns the first transfer. */
  idempotencyKey: string;
  rail: RailId;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  statementDescriptor: string | null;
  account: {
    holderName: string;
    holderType: "individual" | "company";
    routingNumber: string;
    accountNumber: string;
  };
}

/** Where the provider says a credit is. A return after settlement carries when the bank sent it back. */
export type RailStatus =
  | { state: "submitted" }
  | { state: "settled"; at: Date }
  | { state: "failed"; code: string; message: string }
  | { state: "returned"; code: string; message: string; at: Date };

/** A bank-partner API that sends credits on some of our rails and reports what became of them. */
export interface RailAdapter {
  readonly provider: string;
  /** The rails it can send on; payouts on other rails stay pending in production. */
  readonly rails: readonly RailId[];
  /** Sends the credit (or, for a key already used, returns the transfer it made) and answers its id. */
  submit(credit: RailCredit): Promise<{ providerId: string }>;
  status(providerId: string): Promise<RailStatus>;
}

/**
 * The provider could not be asked or did not answer usefully (timeout, network, 5xx, 429, a refusal):
 * the caller leaves the payout where it is and asks again on its next run, except for a refusal of
 * the credit itself (`rejectsCredit`).
 */
export class RailProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "RailProviderError";
  }

  /**
   * The provider refused this credit as invalid (400, 422: a routing number it does not know, an
   * amount it will not send): asking again cannot help. Authentication (401, 403), conflicts,
   * rate limits and outages can, so they are not refusals of the credit.
   */
  get rejectsCredit(): boolean {
    return this.status === 400 || this.status === 422;
  }
}
