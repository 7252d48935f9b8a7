import type { RailAdapter, RailCredit, RailStatus } from "./adapter";
import { RailProviderError } from "./adapter";

/**
 * Increase's ACH Transfers API (https://increase.com/documentation/api/ach-transfers): bearer API
 * key, `POST /ach_transfers` with an `Idempotency-Key` header (the same key answers the transfer it
 * first made), `GET /ach_transfers/{id}`. Amounts are USD cents, as ours. Increase sends USD over
 * ACH only here: its other networks (wires, RTP, checks) and no EUR or GBP scheme are not payout rails.
 */
export interface IncreaseOptions {
  baseUrl: string;
  apiKey: string;
  /** The Increase account the credits are sent from. */
  accountId: string;
  timeoutMs: number;
}

/** The fields of an ACH Transfer object this adapter reads. */
export interface AchTransfer {
  id: string;
  status: string;
  settlement: { settled_at: string } | null;
  return: { created_at: string; raw_return_reason_code: string; return_reason_code: string } | null;
}

/** Statuses where the transfer is on its way (or waiting on Increase's team): nothing to apply yet. */
const inFlight = new Set([
  "pending_approval",
  "pending_reviewing",
  "pending_submission",
  "pending_transfer_session_confirmation",
  "requires_attention",
  "submitted",
]);

const PROVIDER = "increase";

export function increaseAdapter(options: IncreaseOptions): RailAdapter {
  const base = options.baseUrl.replace(/\/$/, "");

  async function call(method: "GET" | "POST", path: string, body?: unknown, idempotencyKey?: string) {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.name : "network error";
      throw new RailProviderError(PROVIDER, `${method} ${path}: ${reason}`, null);
    }
    const text = await response.text().catch(() => "");
    if (!response.ok) {
      // Increase's error object names its type and title; the body carries no account number back.
      const detail = errorTitle(text);
      throw new RailProviderError(
        PROVIDER,
        `${method} ${path}: ${response.status} ${detail}`,
        response.status,
      );
    }
    return parseTransfer(text, `${method} ${path}`);
  }

  return {
    provider: PROVIDER,
    rails: ["ach_standard", "ach_same_day"],
    async submit(credit: RailCredit) {
      const transfer = await call(
        "POST",
        "/ach_transfers",
        achTransferBody(options.accountId, credit),
        credit.idempotencyKey,
      );
      return { providerId: transfer.id };
    },
    async status(providerId: string) {
      return statusOf(await call("GET", `/ach_transfers/${encodeURIComponent(providerId)}`));
    },
  };
}

function achTransferBody(accountId: string, credit: RailCredit) {
  return {
    account_id: accountId,
    amount: credit.amount,
    account_number: credit.account.accountNumber,
    routing_number: credit.account.routingNumber,
    statement_descriptor: credit.statementDescriptor ?? "PAYOUT",
    // Nacha's receiver name field holds 22 characters.
    individual_name: credit.account.holderName.slice(0, 22),
    destination_account_holder: credit.account.holderType === "company" ? "business" : "individual",
    standard_entry_class_code:
      credit.account.holderType === "company"
        ? "corporate_credit_or_debit"
        : "prearranged_payments_and_deposit",
    preferred_effective_date: {
      settlement_schedule: credit.rail === "ach_same_day" ? "same_day" : "future_dated",
    },
  };
}

function errorTitle(text: string): string {
  try {
    const parsed = JSON.parse(text) as { title?: unknown; type?: unknown };
    return [parsed.type, parsed.title].filter((part) => typeof part === "string").join(": ");
  } catch {
    return "";
  }
}

function parseTransfer(text: string, what: string): AchTransfer {
  try {
    const parsed = JSON.parse(text) as Partial<AchTransfer>;
    if (typeof parsed.id === "string" && typeof parsed.status === "string") {
      return {
        id: parsed.id,
        status: parsed.status,
        settlement: parsed.settlement ?? null,
        return: parsed.return ?? null,
      };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new RailProviderError(PROVIDER, `${what}: not an ACH transfer`, null);
}

/** Our view of an ACH transfer: a return names its Nacha code (R01…), a rejection or cancel Increase's. */
export function statusOf(transfer: AchTransfer): RailStatus {
  if (transfer.status === "returned" && transfer.return) {
    const code = transfer.return.raw_return_reason_code || transfer.return.return_reason_code;
    return {
      state: "returned",
      code,
      message: `Returned by the receiving bank: ${transfer.return.return_reason_code}.`,
      at: new Date(transfer.return.created_at),
    };
  }
  if (transfer.status === "rejected" || transfer.status === "canceled") {
    return {
      state: "failed",
      code: `increase_${transfer.status}`,
      message: `The ACH transfer was ${transfer.status} by Increase.`,
    };
  }
  if (transfer.settlement) return { state: "settled", at: new Date(transfer.settlement.settled_at) };
  if (inFlight.has(transfer.status)) return { state: "submitted" };
  throw new RailProviderError(PROVIDER, `unknown ACH transfer status ${transfer.status}`, null);
}
