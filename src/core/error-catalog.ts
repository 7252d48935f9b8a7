import type { ContentfulStatusCode } from "hono/utils/http-status";

export const errorTypes = [
  "authentication_error",
  "permission_error",
  "invalid_request_error",
  "idempotency_error",
  "rate_limit_error",
  "payment_error",
  "provider_error",
  "api_error",
] as const;

export type ErrorType = (typeof errorTypes)[number];

interface CatalogEntry {
  type: ErrorType;
  status: ContentfulStatusCode;
  message: string;
  description: string;
}

/** The one catalog of error codes: every error the API returns names one of these. */
export const errorCatalog = {
  authentication_required: {
    type: "authentication_error",
    status: 401,
    message: "No credentials were provided.",
    description:
      "Send an API key pair (X-Api-Key + X-Api-Secret, or HTTP Basic key_id:secret) or a dashboard Bearer token.",
  },
  credentials_malformed: {
    type: "authentication_error",
    status: 401,
    message: "The credentials are malformed.",
    description: "The key id, secret or token does not have the expected format.",
  },
  credentials_invalid: {
    type: "authentication_error",
    status: 401,
    message: "The credentials are not valid.",
    description: "No API key or session matches the credentials sent.",
  },
  api_key_revoked: {
    type: "authentication_error",
    status: 401,
    message: "This API key has been revoked.",
    description: "The key was revoked or rolled; use its replacement.",
  },
  session_expired: {
    type: "authentication_error",
    status: 401,
    message: "The session has expired or was revoked.",
    description: "Log in again to get a new Bearer token.",
  },
  login_failed: {
    type: "authentication_error",
    status: 401,
    message: "The email or password is incorrect.",
    description: "The login did not succeed. The response never says which of the two was wrong.",
  },
  session_required: {
    type: "permission_error",
    status: 403,
    message: "This endpoint requires a dashboard session.",
    description: "Managing API keys needs a Bearer token from POST /api/v1/auth/sessions, not an API key.",
  },
  environment_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The X-Environment header must be sandbox or production.",
    description: "Dashboard sessions choose their environment with X-Environment.",
  },
  parameter_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "A parameter is invalid.",
    description: "A request parameter has the wrong type, format or value; `param` names it.",
  },
  parameter_missing: {
    type: "invalid_request_error",
    status: 400,
    message: "A required parameter is missing.",
    description: "A required request parameter was not sent; `param` names it.",
  },
  parameter_unknown: {
    type: "invalid_request_error",
    status: 400,
    message: "The request contains an unknown parameter.",
    description: "The request body contains a field this endpoint does not accept; `param` names it.",
  },
  parameter_characters_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "A parameter contains characters that are not accepted.",
    description:
      "Strings in the path, the query and the JSON body (keys included) may not contain NUL (\\u0000) or unpaired UTF-16 surrogates; `param` names the first one found.",
  },
  amount_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The amount must be a positive integer in the currency's minor unit.",
    description: "Amounts are integers in minor units (1999 = 19.99 USD); no decimals, no negatives.",
  },
  currency_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The currency is not a supported ISO 4217 code.",
    description: "Use an upper-case three-letter ISO 4217 currency code such as USD or EUR.",
  },
  metadata_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The metadata is invalid.",
    description: "Metadata holds at most 50 keys; keys are at most 40 characters, values at most 500.",
  },
  json_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The request body is not valid JSON.",
    description: "Send a JSON object with Content-Type: application/json.",
  },
  body_too_large: {
    type: "invalid_request_error",
    status: 413,
    message: "The request body is too large.",
    description: "Request bodies are limited to 1 MB.",
  },
  content_type_invalid: {
    type: "invalid_request_error",
    status: 415,
    message: "The request body must be JSON.",
    description: "Send Content-Type: application/json.",
  },
  cursor_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The pagination cursor does not name an object in this list.",
    description: "starting_after and ending_before take the id of an object returned by the same list.",
  },
  resource_missing: {
    type: "invalid_request_error",
    status: 404,
    message: "No such object.",
    description: "The object does not exist, or it belongs to another merchant or environment.",
  },
  route_not_found: {
    type: "invalid_request_error",
    status: 404,
    message: "Unrecognized request URL.",
    description: "No endpoint matches this method and path. See /api/v1/openapi.json.",
  },
  method_not_allowed: {
    type: "invalid_request_error",
    status: 405,
    message: "This method is not allowed on this URL.",
    description: "The path exists but not with this HTTP method.",
  },
  signup_token_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The sign-up token is invalid, expired or already used.",
    description:
      "Verification tokens from the sign-up email work once, within 24 hours. Sign up again for a new one.",
  },
  email_taken: {
    type: "invalid_request_error",
    status: 409,
    message: "An account with this email already exists.",
    description: "Log in instead, or sign up with another email.",
  },
  resource_conflict: {
    type: "invalid_request_error",
    status: 409,
    message: "The object is not in a state that allows this request.",
    description: "The object changed or is in a state where this action is not allowed.",
  },
  insufficient_funds: {
    type: "payment_error",
    status: 402,
    message: "The balance does not cover this amount.",
    description:
      "The available (or reserved) balance in this currency is lower than the amount. Fund the balance or use a smaller amount.",
  },
  currency_unsupported: {
    type: "invalid_request_error",
    status: 400,
    message: "This currency is not supported here.",
    description:
      "The currency is a valid ISO 4217 code, but this endpoint does not offer it; the message lists the ones it does.",
  },
  funding_method_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "This funding method is not available for this currency.",
    description: "sepa takes EUR only, ach takes USD only; wire and swift take every funding currency.",
  },
  deposit_already_received: {
    type: "invalid_request_error",
    status: 409,
    message: "This deposit has already been received.",
    description: "A deposit arrives at most once; declare a new deposit for another transfer.",
  },
  bank_account_country_unsupported: {
    type: "invalid_request_error",
    status: 400,
    message: "Bank accounts in this country are not supported.",
    description: "docs/bank-accounts.md lists the countries and the details each one takes.",
  },
  iban_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The IBAN is not valid.",
    description:
      "The message says which check failed: format, the country's length, the mod-97 check digits or the country's national check digits.",
  },
  bic_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The BIC is not valid.",
    description:
      "A BIC is 8 or 11 characters: bank (4 letters), country (2 letters), location (2), branch (3, optional).",
  },
  routing_number_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The bank or branch code is not valid.",
    description:
      "The routing number, sort code, BSB, IFSC, transit, institution, bank or branch code does not have its country's format or check digit; param names the field.",
  },
  bank_account_number_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The account number is not valid.",
    description:
      "The account number or CLABE does not have its country's format or fails its check (UK: VocaLink modulus check; Mexico: CLABE check digit).",
  },
  bank_account_exists: {
    type: "invalid_request_error",
    status: 409,
    message: "This bank account is already saved.",
    description:
      "Accounts are deduplicated by fingerprint per merchant and environment; the message names the existing account.",
  },
  bank_account_unverified: {
    type: "invalid_request_error",
    status: 409,
    message: "The bank account is not verified.",
    description:
      "Verify the account (micro-deposits or instant verification) before creating a mandate on it.",
  },
  verification_method_unavailable: {
    type: "invalid_request_error",
    status: 400,
    message: "This verification method is not available here.",
    description:
      "Sandbox simulates micro-deposits and instant verification. Production needs the bank-transfer rail (micro-deposits) and an instant-verification provider, neither connected yet.",
  },
  verification_not_pending: {
    type: "invalid_request_error",
    status: 409,
    message: "The bank account has no verification in progress in this form.",
    description:
      "Micro-deposits start on a new (or failed) account; amounts or a descriptor code are checked only while micro-deposits are pending, and in the form they were sent.",
  },
  verification_mismatch: {
    type: "invalid_request_error",
    status: 400,
    message: "The amounts or the descriptor code do not match.",
    description: "Each account gets 3 attempts; the third wrong one fails the verification.",
  },
  verification_failed: {
    type: "invalid_request_error",
    status: 400,
    message: "The verification failed.",
    description:
      "Three wrong attempts, micro-deposits older than 10 days, or a failed instant verification. Start again.",
  },
  mandate_not_active: {
    type: "invalid_request_error",
    status: 409,
    message: "The mandate is not active.",
    description: "A revoked or expired mandate stays so; create a new one.",
  },
  mandate_required: {
    type: "invalid_request_error",
    status: 400,
    message: "A pull needs a mandate.",
    description:
      "Pulling from a bank account needs an active debit mandate on it (ach_debit or sepa_debit); create one with POST /mandates.",
  },
  mandate_mismatch: {
    type: "invalid_request_error",
    status: 400,
    message: "The mandate does not authorize this debit.",
    description:
      "A mandate authorizes debits of its own bank account only; pull from the account the mandate names.",
  },
  rail_unsupported: {
    type: "invalid_request_error",
    status: 400,
    message: "This rail does not carry this transfer.",
    description:
      "Each rail carries credits, debits or both, and reaches its own accounts: ACH US routing numbers, SEPA IBANs in SEPA countries, Bacs and Faster Payments GB accounts, wires any account in USD; docs/money-out.md.",
  },
  bank_transfer_not_cancelable: {
    type: "invalid_request_error",
    status: 409,
    message: "This bank transfer can no longer be canceled.",
    description: "Only pending transfers can be canceled: at its rail's cut-off a transfer is submitted.",
  },
  bank_transfer_not_returnable: {
    type: "invalid_request_error",
    status: 409,
    message: "This bank transfer cannot be returned now.",
    description:
      "A sandbox return needs a submitted transfer (it then fails with the code) or a settled one still inside the code's return window; instant schemes and wires are final once paid.",
  },
  return_code_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "This return code is not one of the transfer's rail.",
    description:
      "ACH rails take Nacha R codes, SEPA rails ISO 20022 reason codes (AC01, AM04, MD06, …), Bacs its ARUCS codes (0, 2, 3, 5, B, C); Faster Payments and wires carry none in the sandbox.",
  },
  payout_destination_unsupported: {
    type: "invalid_request_error",
    status: 400,
    message: "Payouts cannot go to this destination.",
    description:
      "Payouts go to the merchant's own verified bank accounts (ba_…) or, for manual payouts, to a crypto wallet address (0x…). Not to a customer's bank account, a deposit address (caddr_…), the zero address or one of the platform's own wallets; automatic payouts go to bank accounts only.",
  },
  payout_rail_unavailable: {
    type: "invalid_request_error",
    status: 400,
    message: "No payout rail carries this currency at this speed.",
    description:
      "Payouts go out in USD (ACH), EUR (SEPA) and GBP (Bacs, Faster Payments), and by SWIFT in CHF, CAD, AUD, JPY, SGD and HKD, standard only (an instant payout in those is refused); docs/money-out.md.",
  },
  rail_limit_exceeded: {
    type: "invalid_request_error",
    status: 400,
    message: "The amount is outside the rail's per-payment limits.",
    description:
      "Each rail has a per-payment maximum (ACH same-day USD 1,000,000, SEPA Instant EUR 100,000, Faster Payments GBP 1,000,000, …); the message names the rail and its limits. Use the standard method or split the amount.",
  },
  payout_not_cancelable: {
    type: "invalid_request_error",
    status: 409,
    message: "This payout can no longer be canceled.",
    description:
      "Only pending payouts can be canceled: once submitted to the rail at its cut-off, a payout is in transit.",
  },
  global_account_closed: {
    type: "invalid_request_error",
    status: 409,
    message: "The global account is closed.",
    description: "A closed global account receives nothing: incoming transfers are returned to the payer.",
  },
  cardholder_inactive: {
    type: "invalid_request_error",
    status: 409,
    message: "The cardholder is not active.",
    description:
      "Cards are issued to and activated for active cardholders only; reactivate the cardholder first.",
  },
  issuing_unsupported: {
    type: "invalid_request_error",
    status: 400,
    message: "No issuing provider issues this card.",
    description:
      "No issuing provider available here issues cards in this currency for the cardholder's country; the message lists the candidates and why each was not eligible.",
  },
  issuing_production_unavailable: {
    type: "invalid_request_error",
    status: 400,
    message: "Production cards cannot be issued yet.",
    description:
      "No production issuing provider is configured; the sandbox issuers serve sandbox cards only. Checked after the account's KYB and the cardholder's KYC.",
  },
  issuing_card_status_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The card's status does not allow this change.",
    description:
      "Cards move inactive → active ↔ frozen → canceled; canceled is final: a canceled card is not loaded, revealed or given new controls. A card is replaced once.",
  },
  issuing_shipping_status_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The card's shipping status does not allow this change.",
    description:
      "Physical cards ship pending → submitted → shipped → delivered, or returned / failure / canceled; delivered, returned, failure and canceled are final.",
  },
  spending_controls_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The spending controls are invalid.",
    description:
      "Allowed and blocked merchant categories exclude each other, and each limit interval appears at most once.",
  },
  reveal_token_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The reveal token is invalid, expired or already used.",
    description:
      "A card reveal or PIN token works once, within 60 seconds of its creation, for the purpose it was made for. Ask the merchant's server for a new one.",
  },
  issuing_authorization_status_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The authorization's status does not allow this action.",
    description:
      "Only a pending (approved, not yet captured or fully reversed) authorization can be captured, reversed or incremented.",
  },
  issuing_dispute_not_allowed: {
    type: "invalid_request_error",
    status: 409,
    message: "This transaction can't be disputed.",
    description:
      "Only a capture can be disputed, once, within 110 days of its creation, for at most what is neither refunded nor already disputed.",
  },
  issuing_dispute_status_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The dispute's status does not allow this action.",
    description:
      "A dispute can be changed and submitted only while `unsubmitted`, and resolved only once `submitted`.",
  },
  issuing_dispute_evidence_missing: {
    type: "invalid_request_error",
    status: 400,
    message: "The dispute's evidence is incomplete.",
    description:
      "Submitting needs `evidence.explanation`, and for a `duplicate` dispute `evidence.original_transaction`: another capture of the same card.",
  },
  issuing_increment_declined: {
    type: "payment_error",
    status: 402,
    message: "The incremental authorization was declined.",
    description:
      "The card, its controls or its funding refused the added amount; `decline_code` says why (the authorization decline reasons). The authorization is unchanged.",
  },
  sandbox_only: {
    type: "permission_error",
    status: 403,
    message: "This endpoint is only available in sandbox.",
    description: "Sandbox helpers under /api/v1/sandbox/ simulate events and refuse production credentials.",
  },
  card_declined: {
    type: "payment_error",
    status: 402,
    message: "The card was declined.",
    description:
      "The issuer declined the card; `decline_code` says why (generic_decline, insufficient_funds, expired_card, incorrect_cvc). The payment is failed; ask for another card.",
  },
  payment_declined: {
    type: "payment_error",
    status: 402,
    message: "The payment was declined.",
    description:
      "A non-card method was refused by the customer or the scheme; `decline_code` says why. The payment is failed.",
  },
  processing_error: {
    type: "payment_error",
    status: 402,
    message: "The provider could not process the payment.",
    description:
      "Every eligible provider refused the payment definitely before authorizing it (a processing_error decline, a rate limit, a connection refused before sending), so nothing was charged; retry later with a new confirm. A call whose outcome is unknown (timeout, 5xx) is never this error: the payment stays processing with processing_reason provider_outcome_unknown until it is resolved, and must not be retried as a new payment.",
  },
  payment_authentication_failed: {
    type: "payment_error",
    status: 402,
    message: "The customer did not complete authentication.",
    description: "3-D Secure or the redirect/approval step failed or was declined; the payment is failed.",
  },
  card_number_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The card number is not valid.",
    description: "The number fails the Luhn check or has the wrong length (12 to 19 digits).",
  },
  card_expiry_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The card's expiry date is invalid or in the past.",
    description:
      "exp_month is 1 to 12 and exp_month/exp_year is this month or later (at most 20 years ahead).",
  },
  card_cvc_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The card's security code has the wrong length.",
    description: "American Express takes 4 digits, every other brand 3.",
  },
  vpa_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The UPI VPA is not valid.",
    description: "A UPI virtual payment address looks like name@bank.",
  },
  payment_method_unsupported: {
    type: "invalid_request_error",
    status: 400,
    message: "This payment method is not available for this currency or country.",
    description:
      "Each method type lists its currencies and countries at GET /api/v1/payment-methods/types; no provider is called.",
  },
  payment_method_unusable: {
    type: "invalid_request_error",
    status: 400,
    message: "This payment method cannot be used for this payment.",
    description: "The saved payment method is detached, or attached to another customer than the payment's.",
  },
  payment_state_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The payment is not in a state that allows this action.",
    description:
      "Payments move requires_payment_method → requires_confirmation → requires_action → processing → requires_capture → succeeded, or to canceled / failed. The message names the current status.",
  },
  capture_amount_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The capture amount exceeds the authorized amount.",
    description: "amount_to_capture is at most the payment's amount_capturable.",
  },
  refund_exceeds_captured: {
    type: "invalid_request_error",
    status: 400,
    message: "The refund would exceed the captured amount.",
    description:
      "Refunds of a payment add up to at most its captured amount; the message says how much is left.",
  },
  payment_not_refundable: {
    type: "invalid_request_error",
    status: 400,
    message: "This payment method does not support refunds.",
    description:
      "Vouchers (Boleto, OXXO, Konbini, Multibanco) cannot be refunded through the provider; see refundable in the catalog.",
  },
  provider_unavailable: {
    type: "provider_error",
    status: 503,
    message: "No payment provider can take this payment right now.",
    description:
      "No enabled provider supports this method, currency and country, or the provider is down. Connect or enable a provider, or retry with the same Idempotency-Key.",
  },
  provider_rejected: {
    type: "provider_error",
    status: 502,
    message: "The payment provider rejected the request.",
    description:
      "The provider refused the call for a reason that is not a decline (its own validation, the connection's account settings). The payment or refund is failed; check the provider connection.",
  },
  provider_unknown: {
    type: "invalid_request_error",
    status: 400,
    message: "No such payment provider.",
    description: "See GET /api/v1/providers for the providers available in this environment.",
  },
  provider_credentials_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The provider credentials are invalid.",
    description:
      "Stripe takes a secret_key (sk_test_… or sk_live_…, rk_… allowed) and a webhook_secret (whsec_…).",
  },
  provider_already_connected: {
    type: "invalid_request_error",
    status: 409,
    message: "This provider is already connected.",
    description: "Update the existing connection, or delete it first.",
  },
  idempotency_key_invalid: {
    type: "idempotency_error",
    status: 400,
    message: "The Idempotency-Key header must be 1 to 255 printable characters.",
    description: "Use a unique value per operation, such as a V4 UUID.",
  },
  idempotency_key_reused: {
    type: "idempotency_error",
    status: 409,
    message: "This Idempotency-Key was already used with a different request.",
    description:
      "A key can only be replayed with the same method, path and body. Use a new key for a new request.",
  },
  idempotency_key_in_progress: {
    type: "idempotency_error",
    status: 409,
    message: "A request with this Idempotency-Key is still being processed.",
    description: "Retry after the first request has finished; the replay then returns its response.",
  },
  webhook_url_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The webhook URL is not a valid absolute http(s) URL.",
    description: "Use an absolute URL such as https://example.com/webhooks, without credentials in it.",
  },
  webhook_url_insecure: {
    type: "invalid_request_error",
    status: 400,
    message: "Production webhook endpoints must use https.",
    description: "Production endpoints take https URLs only; sandbox endpoints may also use http.",
  },
  webhook_url_forbidden: {
    type: "invalid_request_error",
    status: 400,
    message: "The webhook URL points at a private, loopback, link-local or metadata address.",
    description:
      "Webhooks are only sent to public internet hosts. Addresses such as 127.0.0.1, 10.0.0.0/8, 169.254.169.254 or *.internal are refused.",
  },
  webhook_endpoint_disabled: {
    type: "invalid_request_error",
    status: 409,
    message: "The webhook endpoint is disabled.",
    description: "Enable the endpoint (PATCH enabled: true) before sending deliveries to it.",
  },
  resource_limit_exceeded: {
    type: "invalid_request_error",
    status: 400,
    message: "The account has reached the maximum number of these objects.",
    description: "Delete an object you no longer use before creating another.",
  },
  rate_limited: {
    type: "rate_limit_error",
    status: 429,
    message: "Too many requests.",
    description: "Slow down and retry after the number of seconds in Retry-After.",
  },
  signature_invalid: {
    type: "authentication_error",
    status: 401,
    message: "The request signature is missing or invalid.",
    description: "Background-function calls must carry a valid Upstash-Signature.",
  },
  function_unknown: {
    type: "invalid_request_error",
    status: 404,
    message: "No background function has this name.",
    description: "See functions/ for the registry.",
  },
  fx_rates_stale: {
    type: "provider_error",
    status: 503,
    message: "Exchange rates are stale; quoting is paused.",
    description:
      "The rate source has not refreshed within FX_STALE_AFTER_SECONDS. Retry shortly; rates refresh every 60 seconds.",
  },
  fx_pair_unsupported: {
    type: "invalid_request_error",
    status: 400,
    message: "This currency pair is not supported for conversion.",
    description: "Both currencies must be listed at GET /api/v1/fx/currencies and differ from each other.",
  },
  fx_quote_expired: {
    type: "invalid_request_error",
    status: 409,
    message: "The quote has expired.",
    description: "Quotes are locked for FX_QUOTE_TTL_SECONDS (60 s by default). Request a new quote.",
  },
  fx_quote_used: {
    type: "invalid_request_error",
    status: 409,
    message: "The quote was already used for a conversion.",
    description: "Each quote converts once. Request a new quote for another conversion.",
  },
  product_archived: {
    type: "invalid_request_error",
    status: 400,
    message: "The product is archived.",
    description:
      "An archived product (active: false) takes no new prices. Reactivate it or use another product.",
  },
  price_lookup_key_taken: {
    type: "invalid_request_error",
    status: 409,
    message: "Another active price already has this lookup_key.",
    description:
      "lookup_key is unique among the active prices of a merchant and environment. Create the new price with transfer_lookup_key: true to move the key to it.",
  },
  coupon_expired: {
    type: "invalid_request_error",
    status: 400,
    message: "The coupon can no longer be redeemed.",
    description: "Its redeem_by date has passed. Create a new coupon.",
  },
  coupon_max_redemptions_reached: {
    type: "invalid_request_error",
    status: 409,
    message: "The coupon has reached its max_redemptions.",
    description:
      "Every redemption the coupon allows has been used. Create a new coupon or raise no further ones.",
  },
  coupon_not_applicable: {
    type: "invalid_request_error",
    status: 400,
    message: "The coupon does not apply to this purchase.",
    description:
      "A fixed-amount coupon has no amount in this currency, or the coupon is restricted to products (applies_to.products) that do not include the one given.",
  },
  promotion_code_inactive: {
    type: "invalid_request_error",
    status: 400,
    message: "The promotion code is not active.",
    description: "The code was deactivated (active: false), or its coupon was deleted.",
  },
  promotion_code_expired: {
    type: "invalid_request_error",
    status: 400,
    message: "The promotion code has expired.",
    description: "Its expires_at has passed.",
  },
  promotion_code_max_redemptions_reached: {
    type: "invalid_request_error",
    status: 409,
    message: "The promotion code has reached its max_redemptions.",
    description: "Every redemption the code allows has been used.",
  },
  promotion_code_customer_limit_reached: {
    type: "invalid_request_error",
    status: 409,
    message: "This customer has used the promotion code as often as it allows.",
    description:
      "restrictions.max_redemptions_per_customer redemptions of the code by this customer exist already.",
  },
  promotion_code_restricted: {
    type: "invalid_request_error",
    status: 400,
    message: "The promotion code's restrictions exclude this redemption.",
    description:
      "The code is for another customer, for first-time customers only, or needs a minimum amount in a given currency; the message says which.",
  },
  promotion_code_taken: {
    type: "invalid_request_error",
    status: 409,
    message: "An active promotion code with this code already exists.",
    description:
      "Codes are unique, case-insensitively, among the active codes of a merchant and environment.",
  },
  meter_inactive: {
    type: "invalid_request_error",
    status: 400,
    message: "The meter is inactive.",
    description: "An inactive meter takes no usage records. Reactivate it (PATCH active: true) first.",
  },
  price_inactive: {
    type: "invalid_request_error",
    status: 400,
    message: "The price is archived.",
    description: "An archived price takes no new invoice items. Use the active price that replaced it.",
  },
  tax_rate_inactive: {
    type: "invalid_request_error",
    status: 400,
    message: "The tax rate is archived.",
    description: "An archived tax rate takes no new lines; lines that already carry it keep it.",
  },
  invoice_nothing_to_invoice: {
    type: "invalid_request_error",
    status: 400,
    message: "The customer has no pending invoice items to invoice.",
    description: "Create invoice items for the customer (in the invoice's currency) first.",
  },
  invoice_items_changed: {
    type: "invalid_request_error",
    status: 409,
    message: "Some pending invoice items were taken by another invoice.",
    description:
      "A concurrent invoice pulled in items this one read. Nothing was written; create the invoice again.",
  },
  invoice_status_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The invoice's status doesn't allow this action.",
    description:
      "Invoices go draft → open → paid | void | uncollectible (and uncollectible → paid). The message names the status.",
  },
  invoice_numbering_conflict: {
    type: "invalid_request_error",
    status: 409,
    message: "Too many invoices are being finalized at once; try again.",
    description:
      "Finalization retries when another one takes the next number first, and gives up after a few tries.",
  },
  invoice_payment_method_missing: {
    type: "invalid_request_error",
    status: 400,
    message: "The customer has no default payment method.",
    description: "Attach a method with set_default: true, or send payment_method, to pay the invoice.",
  },
  invoice_payment_in_progress: {
    type: "invalid_request_error",
    status: 409,
    message: "A payment of this invoice is already under way.",
    description:
      "Another pay of the invoice is charging it (or the invoice changed). Retrieve the invoice to see the outcome.",
  },
  credit_note_amount_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The credit note's amounts are invalid.",
    description:
      "A credit note's total is the sum of its lines (or its amount), at least 1 and at most what the invoice has left to credit: its total less its issued credit notes. On a paid invoice, refund_amount plus out_of_band_amount must equal the total. The message says which rule failed. Nothing was written.",
  },
  credit_note_invoice_status_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "Credit notes are issued on open, paid or uncollectible invoices only.",
    description:
      "A draft can still be edited and a void invoice is owed nothing: neither takes a credit note.",
  },
  credit_note_not_voidable: {
    type: "invalid_request_error",
    status: 409,
    message: "This credit note can't be voided.",
    description:
      "A credit note is voided only while it is issued and moved no money: not once it refunded a payment, and not a pre-payment note whose invoice is no longer owed (paid or void).",
  },
  credit_note_conflict: {
    type: "invalid_request_error",
    status: 409,
    message: "The invoice kept changing while the credit note was issued; try again.",
    description:
      "Credit notes on one invoice are issued one at a time; this one re-read the invoice after each concurrent change and gave up after a few tries. Nothing was written.",
  },
  test_clock_time_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "A test clock only moves forward.",
    description: "Advance to a frozen_time after the clock's current time.",
  },
  test_clock_advancing: {
    type: "invalid_request_error",
    status: 409,
    message: "The test clock is advancing.",
    description: "Another advance of this clock is under way; retrieve the clock and retry once it is ready.",
  },
  subscription_status_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The subscription's status doesn't allow this action.",
    description: "A canceled or expired subscription can't be changed; create a new one.",
  },
  subscription_update_conflict: {
    type: "invalid_request_error",
    status: 409,
    message: "The subscription changed while this request was applied.",
    description:
      "Another change (or the subscription cycle) moved the subscription first; retrieve it and retry.",
  },
  subscription_price_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The price can't be used on this subscription.",
    description:
      "A subscription's prices are active, recurring, licensed (not metered), and share one currency and one billing interval.",
  },
  usage_timestamp_out_of_range: {
    type: "invalid_request_error",
    status: 400,
    message: "The usage record's timestamp is out of range.",
    description: "A usage record may be at most 35 days old and at most 5 minutes in the future.",
  },
  checkout_line_items_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The line items can't be sold together in one checkout.",
    description:
      "Every line must be in one currency, from an active one-time price (not recurring, not metered); only per-unit prices take an adjustable quantity, and the quantity must be within its bounds; the total must fit the largest amount.",
  },
  checkout_session_state_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The checkout session is not in a state that allows this.",
    description: "Only an open session that the customer is not paying right now can be expired.",
  },
  verification_state_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The verification is not in a state that allows this.",
    description:
      "Submit works from pending; resubmit from resubmission_requested or expired (a person) or declined (a business); an operator reviews only what is in needs_review; owners and documents can be added until the business is approved.",
  },
  verification_attempts_exhausted: {
    type: "invalid_request_error",
    status: 409,
    message: "This verification has used all its attempts.",
    description:
      "A person's verification allows 5 Veriff sessions, a business 3 submissions (docs/kyc.md); after that only the platform's operators can help.",
  },
  verification_incomplete: {
    type: "invalid_request_error",
    status: 400,
    message: "The verification is missing something it needs before it can be submitted.",
    description:
      "`param` names what is missing: a control person, ownership above 100 %, a registration document.",
  },
  business_verification_exists: {
    type: "invalid_request_error",
    status: 409,
    message: "This account already has a business verification.",
    description: "One per merchant and environment; read it at GET /api/v1/account/business_verification.",
  },
  registration_number_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The registration number does not match the country's format.",
    description: "See docs/kyc.md for the formats the registry check knows, per country.",
  },
  document_type_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "This document type or file type is not accepted.",
    description:
      "Types: passport, id_card, driving_licence, proof_of_address, certificate_of_incorporation, register_extract, ownership_structure; files: PDF, JPEG, PNG.",
  },
  document_too_large: {
    type: "invalid_request_error",
    status: 400,
    message: "The document is larger than the limit.",
    description: "Documents are at most 512 KiB (the file, before base64).",
  },
  document_hash_mismatch: {
    type: "invalid_request_error",
    status: 400,
    message: "The file does not match the sha256 sent with it.",
    description:
      "Send the lower-case hex SHA-256 of the file's bytes; the upload is refused when they differ.",
  },
  download_url_expired: {
    type: "invalid_request_error",
    status: 410,
    message: "This download URL has expired.",
    description: "Signed URLs live DOCUMENT_URL_TTL_SECONDS (5 minutes by default); ask for a new one.",
  },
  verification_provider_unavailable: {
    type: "provider_error",
    status: 503,
    message: "The identity verification provider is unavailable or not configured.",
    description: 'Retry later. Operators: set VERIFF_API_KEY and VERIFF_SHARED_SECRET (README "KYC & KYB").',
  },
  account_verification_required: {
    type: "permission_error",
    status: 403,
    message: "The account's business verification (KYB) must be approved first.",
    description:
      "Production payouts, card issuing and production payments above KYB_UNVERIFIED_VOLUME_LIMIT need approved KYB; see GET /api/v1/account/requirements.",
  },
  cardholder_verification_required: {
    type: "permission_error",
    status: 403,
    message: "The cardholder's identity verification (KYC) must be approved first.",
    description:
      "A card is activated (or unfrozen) only for a cardholder whose customer has an approved individual verification (KYC), in both environments; sandbox KYC runs against the local Veriff double.",
  },
  crypto_network_unsupported: {
    type: "invalid_request_error",
    status: 400,
    message: "This network is not available.",
    description:
      "Networks are ethereum, polygon, bsc, arbitrum, optimism, base, avalanche and linea (their testnets in sandbox), plus local in a development sandbox; GET /api/v1/crypto/networks lists those configured.",
  },
  crypto_asset_unsupported: {
    type: "invalid_request_error",
    status: 400,
    message: "This asset is not supported on this network.",
    description:
      "Each network takes its native asset and the stablecoins listed for it at GET /api/v1/crypto/networks.",
  },
  crypto_not_configured: {
    type: "provider_error",
    status: 503,
    message: "Crypto deposits are not configured.",
    description:
      "The operator has not set CRYPTO_XPUB, the extended public key deposit addresses derive from.",
  },
  crypto_sends_not_configured: {
    type: "provider_error",
    status: 503,
    message: "Crypto transfers are not configured.",
    description:
      "The operator has set neither CRYPTO_HOT_WALLET_KEY nor the network's entry in CRYPTO_HOT_WALLET_KEYS: the hot wallet key transfers are signed with.",
  },
  crypto_network_unavailable: {
    type: "provider_error",
    status: 503,
    message: "The network's RPC endpoints did not answer.",
    description:
      "Every configured RPC URL of the network failed while reading its fees and the hot wallet's nonce. Nothing was reserved; retry with the same Idempotency-Key.",
  },
  crypto_price_unavailable: {
    type: "provider_error",
    status: 503,
    message: "No USD price is configured for this asset.",
    description:
      "A native asset is valued at CRYPTO_NATIVE_PRICES_USD in production; without a price its value (and so the reservation) can't be computed.",
  },
  crypto_fee_cap_exceeded: {
    type: "invalid_request_error",
    status: 422,
    message: "The network's current fee is above max_fee_per_gas.",
    description:
      "The estimated EIP-1559 max fee per gas is higher than the cap you set. Raise max_fee_per_gas or retry when fees fall; nothing was reserved.",
  },
  wallet_not_configured: {
    type: "provider_error",
    status: 503,
    message: "This wallet is not configured.",
    description:
      "The operator has not set the wallet's keys (Apple Pay: APPLE_PAY_PAYMENT_PROCESSING_KEY, APPLE_PAY_ROOT_CA, the merchant identity certificate binding; Google Pay: GOOGLE_PAY_PRIVATE_KEY and root keys).",
  },
  wallet_merchant_validation_failed: {
    type: "provider_error",
    status: 502,
    message: "Apple Pay merchant validation failed.",
    description:
      "Apple's gateway refused or did not answer the merchant validation; ask the payment sheet to try again.",
  },
  wallet_validation_url_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The validation URL is not an Apple Pay gateway URL.",
    description:
      "Only https URLs on Apple's gateway hosts (apple-pay-gateway*.apple.com), port 443, path /paymentservices/startSession or /paymentservices/paymentSession, are called.",
  },
  wallet_token_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The wallet token is invalid.",
    description:
      "The token is malformed, its signature or certificate chain does not verify, it was altered, or it was made for another merchant or amount.",
  },
  wallet_token_expired: {
    type: "invalid_request_error",
    status: 400,
    message: "The wallet token has expired.",
    description:
      "Google Pay: messageExpiration or the intermediate signing key's expiry has passed. Apple Pay: the signing time is outside the accepted window. Ask the device for a new token.",
  },
  wallet_token_replayed: {
    type: "invalid_request_error",
    status: 409,
    message: "This wallet token was already presented.",
    description: "A token is accepted once. Ask the device for a new token.",
  },
  wallet_session_state_invalid: {
    type: "invalid_request_error",
    status: 409,
    message: "The wallet session is not open.",
    description: "The session is complete, expired, being paid, or of the other wallet.",
  },
  service_unavailable: {
    type: "provider_error",
    status: 503,
    message: "A dependency is unavailable.",
    description: "The database or cache could not be reached. Retry with the same Idempotency-Key.",
  },
  configuration_invalid: {
    type: "api_error",
    status: 500,
    message: "The server is misconfigured.",
    description: "An operator must fix the Worker's environment; the message names the variable.",
  },
  internal_error: {
    type: "api_error",
    status: 500,
    message: "An internal error occurred.",
    description:
      "Something went wrong on our side. Retry with the same Idempotency-Key; quote the request_id.",
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof errorCatalog;

export const errorCodes = Object.keys(errorCatalog) as [ErrorCode, ...ErrorCode[]];

/**
 * Fields an error carries beyond type, code, message, param, request_id and doc_url, per code. The
 * Error schema of the OpenAPI document declares each of them (optional); GET /error-codes lists
 * them per code. A new `extra` passed to ApiError is added here and to that schema.
 */
export const errorExtraFields: Partial<Record<ErrorCode, readonly string[]>> = {
  card_declined: ["decline_code", "payment_id"],
  payment_declined: ["decline_code", "payment_id"],
  processing_error: ["decline_code", "payment_id"],
  provider_rejected: ["payment_id"],
  payment_state_invalid: ["payment_status"],
  provider_unavailable: ["routing"],
  issuing_increment_declined: ["decline_code"],
};
