-- A refusal inside a billing batch: raises MP020 with the error code as DETAIL when `ok` is false,
-- which rolls back the whole batch (e.g. a redemption whose counter update lost to the limit).
CREATE FUNCTION billing_require(ok boolean, refusal text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION 'billing refusal: %', refusal USING ERRCODE = 'MP020', DETAIL = refusal;
  END IF;
  RETURN true;
END;
$$;
