-- Authorizations decided before the merchant's webhook existed were decided by the controls.
UPDATE issuing_authorizations
   SET decided_by = 'controls',
       reason_codes = CASE WHEN decline_reason IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(decline_reason) END
 WHERE decided_by IS NULL;
--> statement-breakpoint
-- The spend an issuing limit counts now includes authorizations waiting for the merchant's answer
-- (`pending_request`): their hold is taken, so a concurrent authorization cannot spend it too.
CREATE OR REPLACE FUNCTION issuing_spent(p_scope text, p_id text, p_currency text, p_interval text, p_at timestamptz)
RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(a.pending_amount + a.captured_amount), 0)::bigint
    FROM issuing_authorizations a
   WHERE (a.approved OR a.status = 'pending_request')
     AND CASE WHEN p_scope = 'card' THEN a.card_id = p_id ELSE a.cardholder_id = p_id AND a.currency = p_currency END
     AND a.created_at >= CASE p_interval
           WHEN 'daily' THEN date_trunc('day', p_at, 'UTC')
           WHEN 'weekly' THEN date_trunc('week', p_at, 'UTC')
           WHEN 'monthly' THEN date_trunc('month', p_at, 'UTC')
           WHEN 'yearly' THEN date_trunc('year', p_at, 'UTC')
           ELSE '-infinity'::timestamptz END
$$;
--> statement-breakpoint
-- As 0021, plus the merchant's authorization webhook: with p.request true, an authorization the
-- controls and the balance allow is recorded as `pending_request` with its hold taken and no event
-- yet; the caller asks the merchant with no lock held and finishes with issuing_authorization_decide.
-- Every other authorization is decided here, by the controls.
-- Returns { outcome: "card_missing" } or { outcome: "recorded" | "requested", approved,
-- decline_reason, timeout_ms, object }.
CREATE OR REPLACE FUNCTION issuing_authorize(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_at timestamptz := (p->>'at')::timestamptz;
  v_amount bigint := (p->>'amount')::bigint;
  v_holder issuing_cardholders;
  v_card issuing_cards;
  v_reason text;
  v_posting jsonb;
  v_object jsonb;
  v_requested boolean;
BEGIN
  SELECT h.* INTO v_holder FROM issuing_cardholders h
   WHERE h.id = (SELECT c.cardholder_id FROM issuing_cards c
                  WHERE c.id = p->>'card_id' AND c.merchant_id = p->>'merchant_id'
                    AND c.environment = p->>'environment')
     FOR UPDATE;
  IF NOT FOUND THEN RETURN jsonb_build_object('outcome', 'card_missing'); END IF;
  SELECT c.* INTO v_card FROM issuing_cards c WHERE c.id = p->>'card_id' FOR UPDATE;

  v_reason := coalesce(issuing_status_refusal(v_card, v_holder, p->>'currency', v_at),
    issuing_control_refusal(v_card.spending_controls, 'card', v_card.id, p, v_at),
    issuing_control_refusal(v_holder.spending_controls, 'cardholder', v_holder.id, p, v_at));

  IF v_reason IS NULL THEN
    v_posting := ledger_post(p->'posting', false);
    IF v_posting->>'outcome' IN ('refused', 'out_of_range') THEN v_reason := 'insufficient_funds'; END IF;
  END IF;
  v_requested := v_reason IS NULL AND coalesce((p->>'request')::boolean, false);

  v_object := p->'object';
  IF v_requested THEN
    v_object := v_object || jsonb_build_object('approved', false, 'status', 'pending_request',
      'decided_by', NULL);
  ELSIF v_reason IS NOT NULL THEN
    v_object := v_object || jsonb_build_object('approved', false, 'status', 'closed', 'pending_amount', 0,
      'decline_reason', v_reason, 'reason_codes', jsonb_build_array(v_reason));
  END IF;

  INSERT INTO issuing_authorizations (id, merchant_id, environment, card_id, cardholder_id, approved,
    decline_reason, decided_by, reason_codes, status, amount, pending_amount, captured_amount, currency,
    funding_mode, channel, merchant_data, created_at, updated_at)
  VALUES (p->>'id', p->>'merchant_id', p->>'environment', v_card.id, v_holder.id,
    v_reason IS NULL AND NOT v_requested, v_reason, CASE WHEN v_requested THEN NULL ELSE 'controls' END,
    v_object->'reason_codes', v_object->>'status', v_amount,
    CASE WHEN v_reason IS NULL THEN v_amount ELSE 0 END, 0, p->>'currency', v_card.funding_mode,
    p->>'channel', p->'merchant_data', v_at, v_at);

  IF v_requested THEN
    RETURN jsonb_build_object('outcome', 'requested', 'approved', false, 'decline_reason', NULL,
      'timeout_ms', v_card.authorization_timeout_ms, 'object', v_object);
  END IF;

  INSERT INTO events (id, merchant_id, environment, type, object_id, object_type, data, previous_attributes,
    api_version, request_id, created_at)
  VALUES (p->'event'->>'id', p->>'merchant_id', p->>'environment', p->'event'->>'type', p->>'id',
    'issuing_authorization', v_object, NULL, p->'event'->>'api_version', p->'event'->>'request_id', v_at);
  INSERT INTO audit_logs (id, merchant_id, environment, actor_type, actor_id, action, object_id, request_id,
    created_at)
  VALUES (p->'event'->>'audit_id', p->>'merchant_id', p->>'environment', p->'event'->>'actor_type',
    p->'event'->>'actor_id', p->'event'->>'type', p->>'id', p->'event'->>'request_id', v_at);

  RETURN jsonb_build_object('outcome', 'recorded', 'approved', v_reason IS NULL, 'decline_reason', v_reason,
    'object', v_object);
END;
$$;
--> statement-breakpoint
-- The second half of an authorization that asked the merchant (src/modules/issuing/realtime.ts):
-- applies the merchant's answer, or the card's default when there was none, to a `pending_request`
-- authorization, once (compare-and-set on the status under the same locks in the same order as
-- issuing_authorize). An approval is checked again against the card's and cardholder's status and
-- controls as they are now (the hold already counts in the velocity sums, so it is checked with no
-- added amount) and against the hold, which is still taken; a refusal then declines with the
-- control's reason. A decline releases the hold (p.release, ledger_post's argument).
--
-- p: { authorization_id, merchant_id, environment, at, answer: { approve (null: no usable answer),
--      reason_codes (the webhook's outcome, then the merchant's own) }, release, object (the API
--      object as recorded), event: { … as issuing_authorize } }
-- decline_reason: webhook_declined (the merchant), webhook_no_answer (the card's default), or the
-- control that refused an approval on the re-check (also appended to reason_codes).
-- Returns { outcome: "missing" | "already_decided" | "decided", object }.
CREATE FUNCTION issuing_authorization_decide(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_at timestamptz := (p->>'at')::timestamptz;
  v_auth issuing_authorizations;
  v_holder issuing_cardholders;
  v_card issuing_cards;
  v_answer jsonb := p->'answer';
  v_decided_by text;
  v_approve boolean;
  v_reason text;
  v_codes jsonb := coalesce(p->'answer'->'reason_codes', '[]'::jsonb);
  v_check jsonb;
  v_object jsonb;
BEGIN
  SELECT a.* INTO v_auth FROM issuing_authorizations a
   WHERE a.id = p->>'authorization_id' AND a.merchant_id = p->>'merchant_id' AND a.environment = p->>'environment';
  IF NOT FOUND THEN RETURN jsonb_build_object('outcome', 'missing'); END IF;
  SELECT h.* INTO v_holder FROM issuing_cardholders h WHERE h.id = v_auth.cardholder_id FOR UPDATE;
  SELECT c.* INTO v_card FROM issuing_cards c WHERE c.id = v_auth.card_id FOR UPDATE;
  SELECT a.* INTO v_auth FROM issuing_authorizations a WHERE a.id = v_auth.id FOR UPDATE;
  IF v_auth.status <> 'pending_request' THEN
    RETURN jsonb_build_object('outcome', 'already_decided', 'status', v_auth.status);
  END IF;

  IF v_answer->'approve' IS NULL OR jsonb_typeof(v_answer->'approve') = 'null' THEN
    v_decided_by := 'timeout_default';
    v_approve := v_card.authorization_on_timeout = 'approve';
  ELSE
    v_decided_by := 'merchant';
    v_approve := (v_answer->>'approve')::boolean;
  END IF;

  IF v_approve THEN
    v_check := jsonb_build_object('amount', 0, 'authorization_total', v_auth.amount,
      'currency', v_auth.currency, 'channel', v_auth.channel, 'category', v_auth.merchant_data->>'category',
      'country', v_auth.merchant_data->>'country');
    v_reason := coalesce(issuing_status_refusal(v_card, v_holder, v_auth.currency, v_at),
      issuing_control_refusal(v_card.spending_controls, 'card', v_card.id, v_check, v_at),
      issuing_control_refusal(v_holder.spending_controls, 'cardholder', v_holder.id, v_check, v_at));
    IF v_reason IS NOT NULL THEN
      v_decided_by := 'controls';
      v_approve := false;
      v_codes := v_codes || jsonb_build_array(v_reason);
    END IF;
  ELSE
    v_reason := CASE v_decided_by WHEN 'merchant' THEN 'webhook_declined' ELSE 'webhook_no_answer' END;
  END IF;

  IF NOT v_approve THEN
    PERFORM ledger_post(p->'release', true);
  END IF;
  UPDATE issuing_authorizations
     SET approved = v_approve, decline_reason = v_reason, decided_by = v_decided_by, reason_codes = v_codes,
         status = CASE WHEN v_approve THEN 'pending' ELSE 'closed' END,
         pending_amount = CASE WHEN v_approve THEN pending_amount ELSE 0 END, updated_at = v_at
   WHERE id = v_auth.id;
  v_object := p->'object' || jsonb_build_object('approved', v_approve, 'decline_reason', v_reason,
    'decided_by', v_decided_by, 'reason_codes', v_codes,
    'status', CASE WHEN v_approve THEN 'pending' ELSE 'closed' END,
    'pending_amount', CASE WHEN v_approve THEN v_auth.pending_amount ELSE 0 END);

  INSERT INTO events (id, merchant_id, environment, type, object_id, object_type, data, previous_attributes,
    api_version, request_id, created_at)
  VALUES (p->'event'->>'id', p->>'merchant_id', p->>'environment', p->'event'->>'type', v_auth.id,
    'issuing_authorization', v_object, NULL, p->'event'->>'api_version', p->'event'->>'request_id', v_at);
  INSERT INTO audit_logs (id, merchant_id, environment, actor_type, actor_id, action, object_id, request_id,
    created_at)
  VALUES (p->'event'->>'audit_id', p->>'merchant_id', p->>'environment', p->'event'->>'actor_type',
    p->'event'->>'actor_id', p->'event'->>'type', v_auth.id, p->'event'->>'request_id', v_at);
  RETURN jsonb_build_object('outcome', 'decided', 'object', v_object);
END;
$$;
