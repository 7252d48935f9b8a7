import type { Environment } from "../../../core/tables";
import type { CardType, ProviderDecisionColumn } from "../tables";

/** What an issuing provider hands back for a new card; the secrets go to its vault, never to us. */
export interface IssuedCard {
  number: string;
  cvc: string;
  expMonth: number;
  expYear: number;
}

/** One issuing provider behind the common interface: what it issues, where, and at what cost. */
export interface IssuingProvider {
  id: string;
  brand: "visa" | "mastercard";
  /** Six-digit BIN every card number of this provider starts with. */
  bin: string;
  currencies: readonly string[];
  /** Cardholder billing countries it may issue to. */
  countries: readonly string[];
  /** Flat fee per card, in minor units of the card's currency. */
  fees: Record<CardType, number>;
}

const EU = ["AT", "BE", "DE", "ES", "FI", "FR", "IE", "IT", "NL", "PT"];

/** The sandbox's two issuers: overlapping in EUR and GBP, with opposite fee profiles. */
export const sandboxIssuingProviders: readonly IssuingProvider[] = [
  {
    id: "sandbox_atlas",
    brand: "visa",
    bin: "489537",
    currencies: ["USD", "EUR", "GBP"],
    countries: ["US", "CA", "GB", "DE", "FR", "NL", "ES", "IE", "IT"],
    fees: { virtual: 10, physical: 300 },
  },
  {
    id: "sandbox_borealis",
    brand: "mastercard",
    bin: "532610",
    currencies: ["EUR", "GBP", "CHF", "SEK"],
    countries: [...EU, "GB", "CH", "SE"],
    fees: { virtual: 5, physical: 450 },
  },
];

/** Production has no issuing adapter yet: every production card is refused as unsupported. */
export function issuingProviders(environment: Environment): readonly IssuingProvider[] {
  return environment === "sandbox" ? sandboxIssuingProviders : [];
}

export interface ProviderRequest {
  currency: string;
  country: string;
  type: CardType;
}

/**
 * Picks the issuer of one card: those that issue the currency to the cardholder's country,
 * cheapest card fee first, ties by id. Every candidate and why is kept for the card's
 * `provider_decision`; `provider` is null when none is eligible.
 */
export function chooseIssuingProvider(
  providers: readonly IssuingProvider[],
  request: ProviderRequest,
): Omit<ProviderDecisionColumn, "provider"> & { provider: string | null } {
  const candidates = providers.map((provider) => {
    const gap = !provider.currencies.includes(request.currency)
      ? `does not issue ${request.currency}`
      : !provider.countries.includes(request.country)
        ? `does not issue to ${request.country}`
        : null;
    return {
      provider: provider.id,
      eligible: gap === null,
      issuing_fee: gap === null ? provider.fees[request.type] : null,
      reason: gap ?? "eligible",
    };
  });
  const eligible = candidates
    .filter((candidate) => candidate.eligible)
    .sort((a, b) => (a.issuing_fee ?? 0) - (b.issuing_fee ?? 0) || a.provider.localeCompare(b.provider));
  const [chosen] = eligible;
  if (!chosen) {
    return {
      provider: null,
      reason:
        providers.length === 0
          ? "no issuing provider is configured in this environment"
          : `no provider issues ${request.currency} cards to ${request.country}`,
      candidates,
    };
  }
  const reason = eligible.length === 1 ? "only eligible provider" : `cheapest ${request.type} card fee`;
  return { provider: chosen.provider, reason, candidates };
}

/** Luhn check digit of a number's digits (without the check digit). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

function randomDigits(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count * 2));
  let out = "";
  for (const byte of bytes) {
    // 250 is the largest multiple of 10 below 256: every digit equally likely.
    if (byte < 250 && out.length < count) out += String(byte % 10);
  }
  return out.length === count ? out : out + randomDigits(count - out.length);
}

/** The sandbox issuer's card: a Luhn-valid 16-digit number in its BIN, a CVC, three years' validity. */
export function sandboxIssue(provider: IssuingProvider, now: Date): IssuedCard {
  const body = provider.bin + randomDigits(9);
  return {
    number: body + String(luhnCheckDigit(body)),
    cvc: randomDigits(3),
    expMonth: now.getUTCMonth() + 1,
    expYear: now.getUTCFullYear() + 3,
  };
}

export function providerById(environment: Environment, id: string): IssuingProvider | undefined {
  return issuingProviders(environment).find((provider) => provider.id === id);
}
