-- Claims an idempotency key in one statement, so the claim can ride in the first batch of a request.
-- An expired record of the key is taken over; a live one (in progress or completed) raises MP010, which
-- rolls back the batch that carried the claim; the caller then reads the earlier outcome.
CREATE FUNCTION idempotency_claim(p_merchant text, p_environment text, p_key text, p_request_hash text,
                                  p_now timestamptz, p_expires_at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO idempotency_keys (merchant_id, environment, key, request_hash, status, status_code, response_body,
                                created_at, expires_at)
  VALUES (p_merchant, p_environment, p_key, p_request_hash, 'in_progress', 0, '', p_now, p_expires_at)
  ON CONFLICT (merchant_id, environment, key) DO UPDATE
    SET request_hash = excluded.request_hash, status = 'in_progress', status_code = 0, response_body = '',
        created_at = excluded.created_at, expires_at = excluded.expires_at
    WHERE idempotency_keys.expires_at < p_now;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'idempotency key % is held', p_key USING ERRCODE = 'MP010';
  END IF;
END;
$$;
