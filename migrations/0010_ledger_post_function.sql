-- One ledger posting in one statement, so that it fits in one HTTP batch with the change it belongs to.
-- The caller (src/core/ledger/post.ts) validates the shape and generates the ids; this function
-- creates missing accounts, locks every touched account in id order (no deadlocks between postings),
-- is idempotent on (environment, source), refuses an overdraft of an account that must not go
-- negative, and writes the transaction, its entries and the running balances.
--
-- p: { id, merchant_id, environment, source, type, status, amount, currency, source_object_id,
--      description, created_at, entries: [{ id, account_id, kind, currency, allow_negative, amount }] }
--    (entries in posting order; account_id is the id to use if the account does not exist yet)
-- Returns { outcome: "created" | "replayed" | "refused" | "out_of_range", transaction, entries,
--           accounts: [{ id, kind, currency }], refused: { kind, currency } }.
-- With raise_on_refusal, a refusal raises instead (SQLSTATE MP001 insufficient funds, MP002 out of
-- range), so a batch that carries the posting rolls back as a whole.
CREATE FUNCTION ledger_post(p jsonb, raise_on_refusal boolean DEFAULT false) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_merchant text := p->>'merchant_id';
  v_environment text := p->>'environment';
  v_at timestamptz := (p->>'created_at')::timestamptz;
  v_tx ledger_transactions;
  v_bad record;
  v_locked ledger_accounts[];
  v_accounts jsonb;
BEGIN
  -- Accounts: create the missing ones in key order, then lock all of them in id order.
  INSERT INTO ledger_accounts (id, merchant_id, environment, currency, kind, allow_negative, balance, created_at)
  SELECT DISTINCT ON (e->>'currency', e->>'kind') e->>'account_id', v_merchant, v_environment,
         e->>'currency', e->>'kind', (e->>'allow_negative')::boolean, 0, v_at
    FROM jsonb_array_elements(p->'entries') e
   ORDER BY e->>'currency', e->>'kind'
  ON CONFLICT DO NOTHING;

  v_locked := ARRAY(
    SELECT a FROM ledger_accounts a
     WHERE a.merchant_id = v_merchant AND a.environment = v_environment
       AND (a.currency, a.kind) IN (
         SELECT e->>'currency', e->>'kind' FROM jsonb_array_elements(p->'entries') e)
     ORDER BY a.id
       FOR UPDATE OF a);

  SELECT jsonb_agg(jsonb_build_object('id', a.id, 'kind', a.kind, 'currency', a.currency) ORDER BY a.id)
    INTO v_accounts FROM unnest(v_locked) a;

  SELECT * INTO v_tx FROM ledger_transactions
   WHERE environment = v_environment AND source = p->>'source';
  IF FOUND THEN
    RETURN jsonb_build_object('outcome', 'replayed', 'accounts', v_accounts,
      'transaction', to_jsonb(v_tx),
      'entries', (SELECT jsonb_agg(to_jsonb(le) ORDER BY le.position)
                    FROM ledger_entries le WHERE le.transaction_id = v_tx.id));
  END IF;

  -- The balance each touched account would end with.
  SELECT a.kind, a.currency, a.balance + s.delta AS after, a.allow_negative INTO v_bad
    FROM unnest(v_locked) a
    JOIN (SELECT e->>'currency' AS currency, e->>'kind' AS kind, sum((e->>'amount')::bigint) AS delta
            FROM jsonb_array_elements(p->'entries') e GROUP BY 1, 2) s
      ON s.currency = a.currency AND s.kind = a.kind
   WHERE (NOT a.allow_negative AND a.balance + s.delta < 0)
      OR abs(a.balance + s.delta) > 9007199254740991
   ORDER BY a.id
   LIMIT 1;
  IF FOUND THEN
    IF abs(v_bad.after) > 9007199254740991 THEN
      IF raise_on_refusal THEN
        RAISE EXCEPTION 'balance out of range' USING ERRCODE = 'MP002', DETAIL = v_bad.kind || ' ' || v_bad.currency;
      END IF;
      RETURN jsonb_build_object('outcome', 'out_of_range', 'accounts', v_accounts,
        'refused', jsonb_build_object('kind', v_bad.kind, 'currency', v_bad.currency));
    END IF;
    IF raise_on_refusal THEN
      RAISE EXCEPTION 'insufficient funds' USING ERRCODE = 'MP001', DETAIL = v_bad.kind || ' ' || v_bad.currency;
    END IF;
    RETURN jsonb_build_object('outcome', 'refused', 'accounts', v_accounts,
      'refused', jsonb_build_object('kind', v_bad.kind, 'currency', v_bad.currency));
  END IF;

  INSERT INTO ledger_transactions (id, merchant_id, environment, source, type, status, amount, currency,
                                   source_object_id, description, created_at)
  VALUES (p->>'id', v_merchant, v_environment, p->>'source', p->>'type', p->>'status',
          (p->>'amount')::bigint, p->>'currency', p->>'source_object_id', p->>'description', v_at)
  ON CONFLICT (environment, source) DO NOTHING
  RETURNING * INTO v_tx;
  IF NOT FOUND THEN
    -- A concurrent posting of this source locked other accounts than ours and won.
    SELECT * INTO v_tx FROM ledger_transactions
     WHERE environment = v_environment AND source = p->>'source';
    RETURN jsonb_build_object('outcome', 'replayed', 'accounts', v_accounts,
      'transaction', to_jsonb(v_tx),
      'entries', (SELECT jsonb_agg(to_jsonb(le) ORDER BY le.position)
                    FROM ledger_entries le WHERE le.transaction_id = v_tx.id));
  END IF;

  INSERT INTO ledger_entries (id, transaction_id, account_id, merchant_id, environment, position, amount,
                              currency, balance_after, created_at)
  SELECT e.value->>'id', v_tx.id, a.id, v_merchant, v_environment, (e.ordinality - 1)::int,
         (e.value->>'amount')::bigint, a.currency,
         a.balance + sum((e.value->>'amount')::bigint) OVER (PARTITION BY a.id ORDER BY e.ordinality),
         v_at
    FROM jsonb_array_elements(p->'entries') WITH ORDINALITY e
    JOIN unnest(v_locked) a ON a.currency = e.value->>'currency' AND a.kind = e.value->>'kind';

  UPDATE ledger_accounts la SET balance = la.balance + s.delta
    FROM (SELECT a.id, sum((e->>'amount')::bigint) AS delta
            FROM jsonb_array_elements(p->'entries') e
            JOIN unnest(v_locked) a ON a.currency = e->>'currency' AND a.kind = e->>'kind'
           GROUP BY a.id) s
   WHERE la.id = s.id;

  RETURN jsonb_build_object('outcome', 'created', 'accounts', v_accounts,
    'transaction', to_jsonb(v_tx),
    'entries', (SELECT jsonb_agg(to_jsonb(le) ORDER BY le.position)
                  FROM ledger_entries le WHERE le.transaction_id = v_tx.id));
END;
$$;
