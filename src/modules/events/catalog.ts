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
  { type: "tax_rate.created", objectType: "tax_rate", description: "A tax rate was created." },
  {
    type: "tax_rate.updated",
    objectType: "tax_rate",
    description: "A tax rate was renamed, archived or reactivated.",
  },
  {
    type: "invoiceitem.created",
    objectType: "invoiceitem",
    description: "A one-off line was created, pending for the customer's next invoice.",
  },
  {
    type: "customer.subscription.created",
    objectType: "subscription",
    description: "A subscription was created (trialing, active or incomplete).",
  },
  {
    type: "customer.subscription.updated",
    objectType: "subscription",
    description:
      "A subscription changed: items, renewal to a new period, status (past_due, active again, unpaid, incomplete_expired), cancel settings.",
  },
  {
    type: "customer.subscription.deleted",
    objectType: "subscription",
    description: "A subscription ended: canceled now, at its period end, at cancel_at, or after dunning.",
  },
  {
    type: "customer.subscription.trial_will_end",
    objectType: "subscription",
    description: "A subscription's trial ends in 3 days.",
  },
  {
    type: "customer.subscription.paused",
    objectType: "subscription",
    description:
      "A subscription's collection was paused; its invoices are kept as drafts, voided or marked uncollectible.",
  },
  {
    type: "customer.subscription.resumed",
    objectType: "subscription",
    description: "A paused subscription was resumed (on request or at its resumes_at) and is charged again.",
  },
  {
    type: "subscription_settings.updated",
    objectType: "subscription_settings",
    description: "The merchant's dunning schedule (retry days, what the last failure leads to) changed.",
  },
  { type: "test_clock.created", objectType: "test_clock", description: "A sandbox test clock was created." },
  {
    type: "test_clock.advancing",
    objectType: "test_clock",
    description: "A test clock started moving to a new time; the work due on the way runs.",
  },
  {
    type: "test_clock.ready",
    objectType: "test_clock",
    description: "A test clock reached its new time, the work due on the way done.",
  },
  { type: "test_clock.deleted", objectType: "test_clock", description: "A test clock was deleted." },
  { type: "invoice.created", objectType: "invoice", description: "A draft invoice was created." },
  {
    type: "invoice.finalized",
    objectType: "invoice",
    description: "A draft invoice was finalized: it is open, numbered and owed.",
  },
  {
    type: "invoice.paid",
    objectType: "invoice",
    description: "An invoice was paid, through pay (data.object.payment) or out of band (mark_paid).",
  },
  {
    type: "invoice.payment_failed",
    objectType: "invoice",
    description: "A charge of an invoice failed; the invoice stays open and attempt_count went up.",
  },
  { type: "invoice.voided", objectType: "invoice", description: "An open invoice was voided." },
  {
    type: "invoice.updated",
    objectType: "invoice",
    description: "An invoice's credited amounts changed: a credit note was issued or voided.",
  },
  {
    type: "credit_note.created",
    objectType: "credit_note",
    description: "A credit note was issued on a finalized invoice (with its refund, if it made one).",
  },
  { type: "credit_note.voided", objectType: "credit_note", description: "A credit note was voided." },
  {
    type: "invoice.will_be_due",
    objectType: "invoice",
    description:
      "A reminder before an open invoice's due date (the days before_due_days of /invoice-settings says); the customer is emailed.",
  },
  {
    type: "invoice.overdue",
    objectType: "invoice",
    description:
      "A reminder after an open invoice's due date passed (the days after_due_days of /invoice-settings says); the customer is emailed.",
  },
  {
    type: "invoice.marked_uncollectible",
    objectType: "invoice",
    description: "An open invoice was marked uncollectible.",
  },
  {
    type: "invoice_settings.updated",
    objectType: "invoice_settings",
    description: "The account's invoice number prefix changed.",
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
    type: "global_account.updated",
    objectType: "global_account",
    description: "A global account's settings (such as automatic conversion) changed.",
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
    type: "payout.created",
    objectType: "payout",
    description: "A payout was created; its funds are reserved.",
  },
  {
    type: "payout.in_transit",
    objectType: "payout",
    description: "A payout was submitted to its rail at the cut-off (in a batch).",
  },
  { type: "payout.paid", objectType: "payout", description: "A payout arrived at the bank account." },
  {
    type: "payout.failed",
    objectType: "payout",
    description: "The receiving bank rejected a payout (failure_code); its funds are back in available.",
  },
  {
    type: "payout.returned",
    objectType: "payout",
    description:
      "The receiving bank returned a paid payout within the rail's window (status failed, returned_at); its funds are back in available.",
  },
  {
    type: "payout.canceled",
    objectType: "payout",
    description: "A pending payout was canceled; its funds are back in available.",
  },
  {
    type: "payout_schedule.updated",
    objectType: "payout_schedule",
    description:
      "The merchant's payout schedule changed (interval, anchor, minimum or destination); automatic payouts are payout.created with automatic true.",
  },
  {
    type: "bank_transfer.created",
    objectType: "bank_transfer",
    description: "A bank transfer was created; a push's funds are reserved.",
  },
  {
    type: "bank_transfer.submitted",
    objectType: "bank_transfer",
    description: "A bank transfer was submitted to its rail at the cut-off.",
  },
  {
    type: "bank_transfer.settled",
    objectType: "bank_transfer",
    description: "A bank transfer arrived: a push reached the account, a pull's funds are in pending.",
  },
  {
    type: "bank_transfer.funds_available",
    objectType: "bank_transfer",
    description: "A settled pull's funds moved from pending to available (available_on).",
  },
  {
    type: "bank_transfer.failed",
    objectType: "bank_transfer",
    description:
      "The other bank rejected a bank transfer at arrival (failure_code); a push's funds are back in available.",
  },
  {
    type: "bank_transfer.returned",
    objectType: "bank_transfer",
    description:
      "The other bank returned a settled bank transfer within the rail's window: a push's funds are back in available, a pull's credit is reversed.",
  },
  {
    type: "bank_transfer.canceled",
    objectType: "bank_transfer",
    description: "A pending bank transfer was canceled; a push's funds are back in available.",
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
    type: "issuing_authorization.request",
    objectType: "issuing_authorization",
    description:
      'Not an event: a synchronous request to the endpoint subscribed to exactly this type, which answers {"approved": bool} within the card\'s timeout (docs/issuing.md).',
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
    type: "settlement.created",
    objectType: "settlement",
    description:
      "A settlement run moved a period's matured funds from pending to available (data.object: the totals).",
  },
  {
    type: "settlement_schedule.updated",
    objectType: "settlement_schedule",
    description: "The merchant's settlement schedule changed.",
  },
  {
    type: "issuing_dispute.created",
    objectType: "issuing_dispute",
    description: "A dispute was opened on a card capture (unsubmitted).",
  },
  {
    type: "issuing_dispute.updated",
    objectType: "issuing_dispute",
    description: "An unsubmitted dispute's reason, evidence or metadata changed.",
  },
  {
    type: "issuing_dispute.submitted",
    objectType: "issuing_dispute",
    description: "A dispute was submitted to the card network.",
  },
  {
    type: "issuing_dispute.closed",
    objectType: "issuing_dispute",
    description: "The network decided a dispute: data.object.status is won or lost.",
  },
  {
    type: "issuing_dispute.funds_reinstated",
    objectType: "issuing_dispute",
    description: "A won dispute gave its amount back (data.object.ledger_transaction).",
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
      "A verification was approved (Veriff 9001, an operator's review, or a business with its checks and people approved).",
  },
  {
    type: "verification.declined",
    objectType: "individual_verification",
    description:
      "A verification was declined (Veriff 9102, an operator's review, a failed registry check or a declined required person).",
  },
  {
    type: "verification.resubmission_requested",
    objectType: "individual_verification",
    description: "Veriff asked for a new attempt (9103); resubmit the verification, corrected where needed.",
  },
  {
    type: "verification.expired",
    objectType: "individual_verification",
    description: "The Veriff session expired or was abandoned (9104); resubmit the verification.",
  },
  {
    type: "verification.resubmitted",
    objectType: "individual_verification",
    description:
      "A person's verification went back to Veriff with a new session, or a declined business to its checks again; previous_attributes holds what was corrected.",
  },
  {
    type: "verification.needs_review",
    objectType: "individual_verification",
    description: "A verification needs a manual review (Veriff 9121, or a registry partial match).",
  },
  {
    type: "verification.removed",
    objectType: "individual_verification",
    description:
      "The merchant removed a person from its business verification (removed_at); they no longer count for it.",
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
  {
    type: "crypto_network.updated",
    objectType: "crypto_network",
    description: "The merchant's confirmation tiers on a network changed.",
  },
  {
    type: "crypto_address.created",
    objectType: "crypto_address",
    description: "A customer's deposit address on a network was derived.",
  },
  {
    type: "crypto_address.updated",
    objectType: "crypto_address",
    description: "A deposit address was asked for another asset (one more payment URI).",
  },
  {
    type: "crypto.deposit.detected",
    objectType: "crypto_deposit",
    description: "A transfer to a deposit address was seen on chain.",
  },
  {
    type: "crypto.deposit.confirmed",
    objectType: "crypto_deposit",
    description: "A deposit reached its confirmations.",
  },
  {
    type: "crypto.deposit.credited",
    objectType: "crypto_deposit",
    description: "A deposit's value was credited to the balance.",
  },
  {
    type: "crypto.deposit.reversed",
    objectType: "crypto_deposit",
    description: "A credited deposit's block left the chain; the credit was undone.",
  },
  {
    type: "crypto.deposit.dropped",
    objectType: "crypto_deposit",
    description: "A deposit's block left the chain before it was credited.",
  },
  {
    type: "crypto.payment.created",
    objectType: "crypto_payment",
    description: "A crypto payment request was created on a customer's deposit address.",
  },
  {
    type: "crypto.payment.partially_paid",
    objectType: "crypto_payment",
    description: "A credited deposit paid part of a crypto payment.",
  },
  {
    type: "crypto.payment.completed",
    objectType: "crypto_payment",
    description: "Credited deposits reached the amount due; any excess is in overpaid_amount.",
  },
  {
    type: "crypto.payment.expired",
    objectType: "crypto_payment",
    description: "A crypto payment expired unpaid or partially paid; what was received stays credited.",
  },
  {
    type: "crypto.payment.reversed",
    objectType: "crypto_payment",
    description:
      "A deposit the payment counted left the chain: amount_received and fiat_amount went down and the status moved back.",
  },
  {
    type: "crypto.transfer.created",
    objectType: "crypto_transfer",
    description: "A transfer was created: its value reserved, its nonce assigned.",
  },
  {
    type: "crypto.transfer.broadcast",
    objectType: "crypto_transfer",
    description: "A node accepted the signed transfer.",
  },
  {
    type: "crypto.transfer.replaced",
    objectType: "crypto_transfer",
    description: "A stuck transfer was re-signed with the same nonce and higher fees.",
  },
  {
    type: "crypto.transfer.confirmed",
    objectType: "crypto_transfer",
    description: "The transfer succeeded on chain with its confirmations; the reservation was settled.",
  },
  {
    type: "crypto.transfer.failed",
    objectType: "crypto_transfer",
    description:
      "The transfer reverted or its nonce went to another transaction; the reservation was released.",
  },
  {
    type: "crypto.transfer.reorged",
    objectType: "crypto_transfer",
    description:
      "A confirmed transfer's block left the chain before it was final: back to broadcast (same nonce), its settlement undone.",
  },
  {
    type: "wallet_session.created",
    objectType: "wallet_session",
    description: "A wallet session was created.",
  },
  {
    type: "wallet_session.completed",
    objectType: "wallet_session",
    description: "A wallet session's token paid; data.object.payment is the payment.",
  },
  {
    type: "checkout.session.completed",
    objectType: "checkout.session",
    description:
      "The customer paid on the hosted page (payment_status paid), or submitted a payment that settles later (unpaid); in subscription mode, data.object.subscription and customer name what was created (no_payment_required with a trial).",
  },
  {
    type: "checkout.session.expired",
    objectType: "checkout.session",
    description: "The session expired (its expires_at passed, or POST /checkout/sessions/{id}/expire).",
  },
  {
    type: "checkout.session.async_payment_succeeded",
    objectType: "checkout.session",
    description: "The payment of a session completed as unpaid succeeded later (a bank debit cleared).",
  },
  {
    type: "checkout.session.async_payment_failed",
    objectType: "checkout.session",
    description: "The payment of a session completed as unpaid failed later.",
  },
  {
    type: "payment_link.created",
    objectType: "payment_link",
    description: "A payment link was created.",
  },
  {
    type: "payment_link.updated",
    objectType: "payment_link",
    description: "A payment link was activated, deactivated or its metadata changed.",
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
