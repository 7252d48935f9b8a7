export interface EventTypeInfo {
  type: string;
  /** The `object` of `data.object`. */
  objectType: string;
  description: string;
}

/**
 * Every event type the API emits or is planned to emit, the one list webhook endpoints subscribe
 * from. A test checks that each type passed to recordChange in the code is here.
 */
export const eventTypeCatalog: readonly EventTypeInfo[] = [
  { type: "customer.created", objectType: "customer", description: "A customer was created." },
  { type: "customer.updated", objectType: "customer", description: "A customer's fields changed." },
  { type: "customer.deleted", objectType: "customer", description: "A customer was deleted." },
  { type: "api_key.created", objectType: "api_key", description: "An API key pair was created." },
  {
    type: "api_key.rolled",
    objectType: "api_key",
    description: "An API key was rolled; data.object is the old key.",
  },
  { type: "api_key.revoked", objectType: "api_key", description: "An API key was revoked." },
  {
    type: "webhook_endpoint.created",
    objectType: "webhook_endpoint",
    description: "A webhook endpoint was registered.",
  },
  {
    type: "webhook_endpoint.updated",
    objectType: "webhook_endpoint",
    description: "A webhook endpoint's URL, events, description, metadata or enabled flag changed.",
  },
  {
    type: "webhook_endpoint.secret_rotated",
    objectType: "webhook_endpoint",
    description: "A webhook endpoint's signing secret was rotated; the old one signs too for 24 hours.",
  },
  {
    type: "webhook_endpoint.disabled",
    objectType: "webhook_endpoint",
    description:
      "MagnetPay disabled a webhook endpoint: it answered 410 Gone, or every delivery to it failed for 72 hours.",
  },
  {
    type: "webhook_endpoint.deleted",
    objectType: "webhook_endpoint",
    description: "A webhook endpoint was deleted.",
  },
  {
    type: "webhook.test",
    objectType: "webhook_endpoint",
    description: "Sent to one endpoint by POST /webhooks/endpoints/{id}/test; never fanned out.",
  },
  {
    type: "funding.deposit.created",
    objectType: "funding_deposit",
    description: "A merchant declared a deposit into its balance.",
  },
  {
    type: "funding.deposit.received",
    objectType: "funding_deposit",
    description: "The declared transfer arrived and is being credited.",
  },
  {
    type: "funding.deposit.credited",
    objectType: "funding_deposit",
    description: "A deposit was credited to the available balance.",
  },
  {
    type: "funding.deposit.failed",
    objectType: "funding_deposit",
    description: "A declared deposit failed or expired without arriving.",
  },
  {
    type: "funding.deposit.canceled",
    objectType: "funding_deposit",
    description: "A declared deposit was canceled.",
  },
  { type: "payment.created", objectType: "payment", description: "A payment was created." },
  {
    type: "payment.updated",
    objectType: "payment",
    description: "A payment's details changed before confirmation.",
  },
  {
    type: "payment.requires_action",
    objectType: "payment",
    description: "A payment needs the customer to act (3-D Secure, redirect, voucher).",
  },
  { type: "payment.processing", objectType: "payment", description: "A payment is being processed." },
  {
    type: "payment.requires_capture",
    objectType: "payment",
    description: "A payment was authorized and waits to be captured.",
  },
  { type: "payment.captured", objectType: "payment", description: "An authorized payment was captured." },
  {
    type: "payment.succeeded",
    objectType: "payment",
    description: "A payment succeeded and its funds are captured.",
  },
  { type: "payment.failed", objectType: "payment", description: "A payment attempt failed." },
  { type: "payment.canceled", objectType: "payment", description: "A payment was canceled." },
  {
    type: "payment.refunded",
    objectType: "payment",
    description: "A payment was refunded, in part or in full.",
  },
  { type: "refund.created", objectType: "refund", description: "A refund was created." },
  { type: "refund.succeeded", objectType: "refund", description: "A refund reached the customer." },
  { type: "refund.failed", objectType: "refund", description: "A refund failed." },
  {
    type: "refund.updated",
    objectType: "refund",
    description: "A refund changed while pending: it now waits for funds, or the funds arrived.",
  },
  {
    type: "payment_method.created",
    objectType: "payment_method",
    description: "A payment method was saved.",
  },
  {
    type: "payment_method.attached",
    objectType: "payment_method",
    description: "A payment method was attached to a customer.",
  },
  {
    type: "payment_method.detached",
    objectType: "payment_method",
    description: "A payment method was detached from its customer.",
  },
  { type: "fx.quote.created", objectType: "fx_quote", description: "An FX quote was issued." },
  {
    type: "fx.conversion.succeeded",
    objectType: "fx_conversion",
    description: "A currency conversion between balances was made.",
  },
  {
    type: "provider_connection.created",
    objectType: "provider_connection",
    description: "A payment provider account was connected.",
  },
  {
    type: "provider_connection.updated",
    objectType: "provider_connection",
    description: "A provider connection's settings or credentials changed.",
  },
  {
    type: "provider_connection.deleted",
    objectType: "provider_connection",
    description: "A provider connection was removed.",
  },
  {
    type: "routing_rule.created",
    objectType: "routing_rule",
    description: "A payment routing rule was added.",
  },
  {
    type: "routing_rule.updated",
    objectType: "routing_rule",
    description: "A payment routing rule changed.",
  },
  {
    type: "routing_rule.deleted",
    objectType: "routing_rule",
    description: "A payment routing rule was removed.",
  },
  {
    type: "verification.created",
    objectType: "individual_verification",
    description:
      "An individual (KYC) or business (KYB, object business_verification) verification was created.",
  },
  {
    type: "verification.submitted",
    objectType: "individual_verification",
    description:
      "A verification was submitted: a Veriff session was opened, or a business went to its checks.",
  },
  {
    type: "verification.approved",
    objectType: "individual_verification",
    description:
      "A verification was approved (Veriff 9001, or a business with its checks and people approved).",
  },
  {
    type: "verification.declined",
    objectType: "individual_verification",
    description:
      "A verification was declined (Veriff 9102, a failed registry check or a declined required person).",
  },
  {
    type: "verification.resubmission_requested",
    objectType: "individual_verification",
    description: "Veriff asked for a new attempt (9103); submit the verification again.",
  },
  {
    type: "verification.expired",
    objectType: "individual_verification",
    description: "The Veriff session expired or was abandoned (9104); submit the verification again.",
  },
  {
    type: "verification.needs_review",
    objectType: "individual_verification",
    description: "A verification needs a manual review (Veriff 9121, or a registry partial match).",
  },
  {
    type: "verification.document_added",
    objectType: "verification_document",
    description: "A document was uploaded to a verification.",
  },
  {
    type: "account.requirements.updated",
    objectType: "account_requirements",
    description:
      "What the account still has to provide for KYB changed (currently_due, past_due, disabled_reason).",
  },
];

const knownTypes = new Set(eventTypeCatalog.map((entry) => entry.type));

export function isKnownEventType(type: string): boolean {
  return knownTypes.has(type);
}

/** `*` (everything), an exact type, or a prefix ending in `.*` such as `payment.*` or `funding.*`. */
export function eventTypeMatches(pattern: string, type: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** A subscription pattern is valid when it names at least one type of the catalog. */
export function isEventTypePattern(pattern: string): boolean {
  return eventTypeCatalog.some((entry) => eventTypeMatches(pattern, entry.type));
}
