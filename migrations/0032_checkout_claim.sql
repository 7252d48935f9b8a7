-- The hosted page's claim on a checkout session's one payment (src/modules/checkout/pay.ts), and a
-- payment link's place among its restrictions.completed_sessions.limit, in one transaction: the
-- session is claimed only while open, unclaimed and unexpired; a link's place is taken only while
-- the link is active and under its limit (the link's row lock serializes concurrent checkouts, and
-- the re-checked WHERE keeps the count exact). Returns 'claimed', 'taken' or 'sold_out'.
CREATE OR REPLACE FUNCTION checkout_claim(p_session text, p_token text, p_now timestamptz)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
  v_link text;
BEGIN
  UPDATE checkout_sessions
     SET payment_claim = p_token, updated_at = p_now
   WHERE id = p_session AND status = 'open' AND payment_claim IS NULL AND expires_at > p_now
  RETURNING payment_link_id INTO v_link;
  IF NOT FOUND THEN
    RETURN 'taken';
  END IF;
  IF v_link IS NOT NULL THEN
    UPDATE payment_links
       SET completed_sessions_count = completed_sessions_count + 1
     WHERE id = v_link
       AND active
       AND (completed_sessions_limit IS NULL OR completed_sessions_count < completed_sessions_limit);
    IF NOT FOUND THEN
      UPDATE checkout_sessions SET payment_claim = NULL WHERE id = p_session;
      RETURN 'sold_out';
    END IF;
  END IF;
  RETURN 'claimed';
END;
$$;
--> statement-breakpoint
-- The limit holds in the table itself, whatever writes the count.
ALTER TABLE payment_links ADD CONSTRAINT payment_links_count_within_limit
  CHECK (completed_sessions_count >= 0
         AND (completed_sessions_limit IS NULL OR completed_sessions_count <= completed_sessions_limit));
--> statement-breakpoint
ALTER TABLE checkout_sessions ADD CONSTRAINT checkout_sessions_amount_total_nonnegative CHECK (amount_total >= 0);
