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
    type: "product.created",
    objectType: "product",
    description: "A product was created.",
  },
  {
    type: "product.updated",
    objectType: "product",
    description: "A product's fields changed, or it was archived (active: false).",
  },
  {
    type: "price.created",
    objectType: "price",
    description: "A price was created.",
  },
  {
    type: "price.updated",
    objectType: "price",
    description:
      "A price's active, nickname, lookup_key or metadata changed (also when a transfer took its lookup_key).",
  },
  {
    type: "coupon.created",
    objectType: "coupon",
    description: "A coupon was created.",
  },
  {
    type: "coupon.updated",
    objectType: "coupon",
    description: "A coupon's name or metadata changed.",
  },
  {
    type: "coupon.deleted",
    objectType: "coupon",
    description: "A coupon was deleted; it takes no further redemptions.",
  },
  {
    type: "promotion_code.created",
    objectType: "promotion_code",
    description: "A promotion code was created.",
  },
  {
    type: "promotion_code.updated",
    objectType: "promotion_code",
    description: "A promotion code was activated, deactivated or its metadata changed.",
  },
  {
    type: "discount.created",
    objectType: "discount",
    description: "A coupon was redeemed, directly or through a promotion code.",
  },
  {
    type: "meter.created",
    objectType: "meter",
    description: "A meter was created.",
  },
  {
    type: "meter.updated",
    objectType: "meter",
    description: "A meter was renamed, deactivated or reactivated.",
  },
  { type: "bank_account.created", objectType: "bank_account", description: "A bank account was saved." },
  {
    type: "bank_account.verification_pending",
    objectType: "bank_account",
    description: "Micro-deposits were sent; the account waits for their amounts or descriptor code.",
  },
  {
    type: "bank_account.updated",
    objectType: "bank_account",
    description: "A bank account changed: a wrong verification attempt used one of its three.",
  },
  { type: "bank_account.verified", objectType: "bank_account", description: "A bank account was verified." },
  {
    type: "bank_account.verification_failed",
    objectType: "bank_account",
    description:
      "Verification failed: three wrong attempts, expired micro-deposits, or the provider refused.",
  },
  { type: "bank_account.deleted", objectType: "bank_account", description: "A bank account was deleted." },
  {
    type: "mandate.created",
    objectType: "mandate",
    description: "An ACH or SEPA Direct Debit mandate was created.",
  },
  { type: "mandate.revoked", objectType: "mandate", description: "A mandate was revoked." },
  {
    type: "global_account.created",
    objectType: "global_account",
    description: "A global account was opened.",
  },
  {
    type: "global_account.closed",
    objectType: "global_account",
    description: "A global account was closed.",
  },
  {
    type: "global_account.transfer.received",
    objectType: "global_account_transfer",
    description: "A transfer arrived in a global account and was credited to the balance.",
  },
  {
    type: "global_account.transfer.returned",
    objectType: "global_account_transfer",
    description: "A transfer to a closed global account was returned to the payer.",
  },
  {
    type: "issuing_cardholder.created",
    objectType: "issuing_cardholder",
    description: "A cardholder was created.",
  },
  {
    type: "issuing_cardholder.updated",
    objectType: "issuing_cardholder",
    description: "A cardholder's contact details, status or spending controls changed.",
  },
  {
    type: "issuing_card.created",
    objectType: "issuing_card",
    description: "A card was issued (also a replacement).",
  },
  {
    type: "issuing_card.updated",
    objectType: "issuing_card",
    description:
      "A card was activated, frozen, unfrozen, canceled or replaced, or its controls or shipping changed.",
  },
  {
    type: "issuing_card.loaded",
    objectType: "issuing_card",
    description: "Money moved from the merchant's available balance to the card.",
  },
  {
    type: "issuing_card.unloaded",
    objectType: "issuing_card",
    description: "Money moved from the card back to the merchant's available balance.",
  },
  {
    type: "issuing_authorization.created",
    objectType: "issuing_authorization",
    description: "A network authorization was decided: data.object.approved and decline_reason say how.",
  },
  {
    type: "issuing_authorization.updated",
    objectType: "issuing_authorization",
    description: "An authorization was captured, or reversed in part or in full.",
  },
  {
    type: "issuing_transaction.created",
    objectType: "issuing_transaction",
    description: "Money moved for good on a card: a capture, a force capture or a refund.",
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
