-- The spend an issuing limit of `p_interval` counts: approved authorizations since the window's
-- start (UTC calendar day, ISO week, month, year; all time), held or captured, of one card or of
-- one cardholder in one currency.
CREATE FUNCTION issuing_spent(p_scope text, p_id text, p_currency text, p_interval text, p_at timestamptz)
RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(a.pending_amount + a.captured_amount), 0)::bigint
    FROM issuing_authorizations a
   WHERE a.approved
     AND CASE WHEN p_scope = 'card' THEN a.card_id = p_id ELSE a.cardholder_id = p_id AND a.currency = p_currency END
     AND a.created_at >= CASE p_interval
           WHEN 'daily' THEN date_trunc('day', p_at, 'UTC')
           WHEN 'weekly' THEN date_trunc('week', p_at, 'UTC')
           WHEN 'monthly' THEN date_trunc('month', p_at, 'UTC')
           WHEN 'yearly' THEN date_trunc('year', p_at, 'UTC')
           ELSE '-infinity'::timestamptz END
$$;
--> statement-breakpoint
-- The first reason a card or cardholder refuses any authorization right now, or null.
CREATE FUNCTION issuing_status_refusal(v_card issuing_cards, v_holder issuing_cardholders, p_currency text,
  p_at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN v_card.status <> 'active' THEN 'card_' || v_card.status
    WHEN v_holder.status <> 'active' THEN 'cardholder_inactive'
    WHEN make_date(v_card.exp_year, v_card.exp_month, 1) + interval '1 month' <= p_at THEN 'card_expired'
    WHEN v_card.currency <> p_currency THEN 'currency_mismatch'
  END
$$;
--> statement-breakpoint
-- The first control of one set (a card's or a cardholder's) that refuses an authorization, as its
-- reason code, or null. Both sets are checked, so the stricter of the two always wins.
CREATE FUNCTION issuing_control_refusal(c jsonb, p_scope text, p_id text, p jsonb, p_at timestamptz)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_limit jsonb;
  v_amount bigint := (p->>'amount')::bigint;
  v_channel text := p->>'channel';
BEGIN
  IF v_channel = 'online' AND NOT (c->>'online')::boolean THEN RETURN 'online_not_allowed'; END IF;
  IF v_channel = 'atm' AND NOT (c->>'atm')::boolean THEN RETURN 'atm_not_allowed'; END IF;
  IF v_channel = 'contactless' AND NOT (c->>'contactless')::boolean THEN RETURN 'contactless_not_allowed'; END IF;
  IF jsonb_array_length(c->'allowed_categories') > 0 AND NOT (c->'allowed_categories') ? (p->>'category') THEN
    RETURN 'merchant_category_not_allowed';
  END IF;
  IF (c->'blocked_categories') ? (p->>'category') THEN RETURN 'merchant_category_blocked'; END IF;
  IF jsonb_array_length(c->'allowed_countries') > 0 AND NOT (c->'allowed_countries') ? (p->>'country') THEN
    RETURN 'country_not_allowed';
  END IF;
  -- A cardholder's limits count only authorizations in their currency.
  IF p_scope = 'cardholder' AND c->>'spending_limits_currency' IS DISTINCT FROM p->>'currency' THEN
    RETURN NULL;
  END IF;
  FOR v_limit IN SELECT * FROM jsonb_array_elements(c->'spending_limits') LOOP
    IF v_limit->>'interval' = 'per_authorization' THEN
      -- An increment counts with the amount it adds to (authorization_total).
      IF coalesce((p->>'authorization_total')::bigint, v_amount) > (v_limit->>'amount')::bigint THEN
        RETURN 'per_authorization_limit_exceeded';
      END IF;
    ELSIF issuing_spent(p_scope, p_id, p->>'currency', v_limit->>'interval', p_at) + v_amount
          > (v_limit->>'amount')::bigint THEN
      RETURN (v_limit->>'interval') || '_limit_exceeded';
    END IF;
  END LOOP;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- One network authorization, decided and recorded in one statement (src/modules/issuing/authorize.ts).
-- Locks the cardholder, then the card (every authorization in this order: no deadlocks), so the
-- velocity sums below see every earlier approval of the cardholder and are exact under concurrency;
-- checks status, expiry, currency and both sets of controls; posts the hold (card or merchant
-- balance → card_funding) through ledger_post, whose refusal is the insufficient_funds decline; then
-- writes the authorization, its event and its audit row.
--
-- p: { id, merchant_id, environment, card_id, amount, currency, channel, category, country,
--      merchant_data, at, posting (ledger_post's argument), object (the approved API object),
--      event: { id, audit_id, type, api_version, request_id, actor_type, actor_id } }
-- Returns { outcome: "card_missing" } or { outcome: "recorded", approved, decline_reason, object }.
CREATE FUNCTION issuing_authorize(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_at timestamptz := (p->>'at')::timestamptz;
  v_amount bigint := (p->>'amount')::bigint;
  v_holder issuing_cardholders;
  v_card issuing_cards;
  v_reason text;
  v_posting jsonb;
  v_object jsonb;
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

  v_object := p->'object';
  IF v_reason IS NOT NULL THEN
    v_object := v_object || jsonb_build_object('approved', false, 'status', 'closed', 'pending_amount', 0,
      'decline_reason', v_reason);
  END IF;

  INSERT INTO issuing_authorizations (id, merchant_id, environment, card_id, cardholder_id, approved,
    decline_reason, status, amount, pending_amount, captured_amount, currency, funding_mode, channel,
    merchant_data, created_at, updated_at)
  VALUES (p->>'id', p->>'merchant_id', p->>'environment', v_card.id, v_holder.id, v_reason IS NULL,
    v_reason, CASE WHEN v_reason IS NULL THEN 'pending' ELSE 'closed' END, v_amount,
    CASE WHEN v_reason IS NULL THEN v_amount ELSE 0 END, 0, p->>'currency', v_card.funding_mode,
    p->>'channel', p->'merchant_data', v_at, v_at);

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
-- An incremental authorization (a hotel or a tip adds to a pending authorization), decided as
-- issuing_authorize decides: same locks in the same order (cardholder, card, then the
-- authorization), same status and control checks on the added amount (the per-authorization limit
-- on the new total), the added hold through ledger_post. An approved increment updates the
-- authorization and writes issuing_authorization.updated; a declined one changes nothing.
--
-- p: { authorization_id, merchant_id, environment, amount (added), at, posting, object (the API
--      object as read, with the increment applied), event: { … as issuing_authorize } }
-- Returns { outcome: "missing" | "not_pending" | "declined" | "incremented", decline_reason, object }.
CREATE FUNCTION issuing_increment(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_at timestamptz := (p->>'at')::timestamptz;
  v_added bigint := (p->>'amount')::bigint;
  v_auth issuing_authorizations;
  v_holder issuing_cardholders;
  v_card issuing_cards;
  v_reason text;
  v_posting jsonb;
  v_object jsonb;
BEGIN
  SELECT a.* INTO v_auth FROM issuing_authorizations a
   WHERE a.id = p->>'authorization_id' AND a.merchant_id = p->>'merchant_id' AND a.environment = p->>'environment';
  IF NOT FOUND THEN RETURN jsonb_build_object('outcome', 'missing'); END IF;
  SELECT h.* INTO v_holder FROM issuing_cardholders h WHERE h.id = v_auth.cardholder_id FOR UPDATE;
  SELECT c.* INTO v_card FROM issuing_cards c WHERE c.id = v_auth.card_id FOR UPDATE;
  SELECT a.* INTO v_auth FROM issuing_authorizations a WHERE a.id = v_auth.id FOR UPDATE;
  IF v_auth.status <> 'pending' THEN
    RETURN jsonb_build_object('outcome', 'not_pending', 'status', v_auth.status);
  END IF;

  v_reason := coalesce(issuing_status_refusal(v_card, v_holder, v_auth.currency, v_at),
    issuing_control_refusal(v_card.spending_controls, 'card', v_card.id, jsonb_build_object(
      'amount', v_added, 'authorization_total', v_auth.amount + v_added, 'currency', v_auth.currency,
      'channel', v_auth.channel, 'category', v_auth.merchant_data->>'category',
      'country', v_auth.merchant_data->>'country'), v_at),
    issuing_control_refusal(v_holder.spending_controls, 'cardholder', v_holder.id, jsonb_build_object(
      'amount', v_added, 'authorization_total', v_auth.amount + v_added, 'currency', v_auth.currency,
      'channel', v_auth.channel, 'category', v_auth.merchant_data->>'category',
      'country', v_auth.merchant_data->>'country'), v_at));
  IF v_reason IS NULL THEN
    v_posting := ledger_post(p->'posting', false);
    IF v_posting->>'outcome' IN ('refused', 'out_of_range') THEN v_reason := 'insufficient_funds'; END IF;
  END IF;
  IF v_reason IS NOT NULL THEN
    RETURN jsonb_build_object('outcome', 'declined', 'decline_reason', v_reason);
  END IF;

  UPDATE issuing_authorizations SET amount = amount + v_added, pending_amount = pending_amount + v_added,
         updated_at = v_at
   WHERE id = v_auth.id;
  v_object := p->'object' || jsonb_build_object('amount', v_auth.amount + v_added,
    'pending_amount', v_auth.pending_amount + v_added);
  INSERT INTO events (id, merchant_id, environment, type, object_id, object_type, data, previous_attributes,
    api_version, request_id, created_at)
  VALUES (p->'event'->>'id', p->>'merchant_id', p->>'environment', p->'event'->>'type', v_auth.id,
    'issuing_authorization', v_object,
    jsonb_build_object('amount', v_auth.amount, 'pending_amount', v_auth.pending_amount),
    p->'event'->>'api_version', p->'event'->>'request_id', v_at);
  INSERT INTO audit_logs (id, merchant_id, environment, actor_type, actor_id, action, object_id, request_id,
    created_at)
  VALUES (p->'event'->>'audit_id', p->>'merchant_id', p->>'environment', p->'event'->>'actor_type',
    p->'event'->>'actor_id', p->'event'->>'type', v_auth.id, p->'event'->>'request_id', v_at);
  RETURN jsonb_build_object('outcome', 'incremented', 'object', v_object);
END;
$$;
