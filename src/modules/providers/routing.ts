import { estimateFee } from "./fees";
import type { FeeSchedule, ProviderCapabilities } from "./types";

export interface RoutingCandidate {
  id: string;
  capabilities: ProviderCapabilities;
  fees: FeeSchedule;
  /** Share of recent calls that failed with a retryable error, 0..1. */
  errorRate: number;
}

export interface RoutingRule {
  id: string;
  action: "pin" | "exclude" | "split";
  provider: string;
  currency: string | null;
  country: string | null;
  /** For split: the share of matching volume sent to `provider`, 1..99. */
  percentage: number | null;
}

export interface RoutingRequest {
  method: string;
  currency: string;
  country: string | null;
  amount: number;
  rules: readonly RoutingRule[];
  /** 0..99, stable per payment, so a split is decided once and replays the same way. */
  splitBucket: number;
}

export interface CandidateDecision {
  provider: string;
  eligible: boolean;
  estimated_fee: number | null;
  reason: string;
}

export interface RoutingDecision {
  /** Eligible providers in the order to try them. */
  order: string[];
  reason: string;
  candidates: CandidateDecision[];
}

/** 0..99 from the payment id: a split is decided once per payment and replays the same way. */
export function splitBucket(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_003;
  return hash % 100;
}

/** Providers with more than this share of recent retryable errors go to the back of the line. */
export const UNHEALTHY_ERROR_RATE = 0.5;

function ruleMatches(rule: RoutingRule, request: RoutingRequest): boolean {
  return (
    (rule.currency === null || rule.currency === request.currency) &&
    (rule.country === null || rule.country === request.country)
  );
}

function coverage(candidate: RoutingCandidate, request: RoutingRequest): string | null {
  const { capabilities } = candidate;
  if (!capabilities.methods.includes(request.method)) return `does not support ${request.method}`;
  if (!capabilities.currencies.includes(request.currency)) return `does not support ${request.currency}`;
  if (
    request.country &&
    capabilities.countries.length > 0 &&
    !capabilities.countries.includes(request.country)
  ) {
    return `does not serve ${request.country}`;
  }
  return null;
}

/**
 * Picks the provider for one payment: those that support the method, currency and payer country,
 * minus merchant exclusions, cheapest first by the fee for this amount, unhealthy ones last; a
 * matching pin or split puts its provider first. The rest stay in order as fallbacks.
 */
export function routePayment(
  candidates: readonly RoutingCandidate[],
  request: RoutingRequest,
): RoutingDecision {
  const matching = request.rules.filter((rule) => ruleMatches(rule, request));
  const excluded = new Set(matching.filter((rule) => rule.action === "exclude").map((rule) => rule.provider));
  const decisions: CandidateDecision[] = [];
  const eligible: Array<{ id: string; fee: number; healthy: boolean }> = [];
  for (const candidate of candidates) {
    const gap = coverage(candidate, request);
    const fee = gap ? null : estimateFee(candidate.fees, request.method, request.currency, request.amount);
    if (gap) {
      decisions.push({ provider: candidate.id, eligible: false, estimated_fee: null, reason: gap });
    } else if (excluded.has(candidate.id)) {
      decisions.push({
        provider: candidate.id,
        eligible: false,
        estimated_fee: fee,
        reason: "excluded by a routing rule",
      });
    } else {
      const healthy = candidate.errorRate <= UNHEALTHY_ERROR_RATE;
      decisions.push({
        provider: candidate.id,
        eligible: true,
        estimated_fee: fee,
        reason: healthy
          ? "eligible"
          : `eligible but unhealthy (${Math.round(candidate.errorRate * 100)}% errors)`,
      });
      eligible.push({ id: candidate.id, fee: fee ?? 0, healthy });
    }
  }
  eligible.sort((a, b) => Number(b.healthy) - Number(a.healthy) || a.fee - b.fee || a.id.localeCompare(b.id));
  const order = eligible.map((entry) => entry.id);
  if (order.length === 0)
    return { order, reason: "no provider supports this method, currency and country", candidates: decisions };

  let reason = "cheapest eligible provider";
  const first = eligible[0];
  if (first && !first.healthy) reason = "every eligible provider is unhealthy; cheapest first";
  const pin = matching.find((rule) => rule.action === "pin" && order.includes(rule.provider));
  const splits = matching.filter((rule) => rule.action === "split" && order.includes(rule.provider));
  let chosen: string | undefined;
  if (pin) {
    chosen = pin.provider;
    reason = `pinned by routing rule ${pin.id}`;
  } else if (splits.length > 0) {
    let threshold = 0;
    for (const split of splits) {
      threshold += split.percentage ?? 0;
      if (request.splitBucket < threshold) {
        chosen = split.provider;
        reason = `volume split by routing rule ${split.id} (${split.percentage}%)`;
        break;
      }
    }
    if (!chosen) reason = "cheapest eligible provider (outside the split share)";
  }
  if (chosen) order.splice(0, order.length, chosen, ...order.filter((id) => id !== chosen));
  return { order, reason, candidates: decisions };
}
