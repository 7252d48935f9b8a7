-- Idempotency records stored before this release may hold secrets shown once (POST /api-keys and
-- roll, webhook endpoint creation, rotate-secret) in their response body. Apply the rule of
-- src/core/idempotency.ts (redactSecrets): every string field named secret, secret_key, token,
-- password or *_secret becomes null, with "<field>_redacted": true beside it. Plain SQL on jsonb,
-- no key needed; the helper functions live in pg_temp and vanish with the session. Safe to run again.
CREATE FUNCTION pg_temp.mp_try_jsonb(body text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN body::jsonb;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION pg_temp.mp_redact_secrets(value jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  result jsonb := '{}'::jsonb;
  field record;
BEGIN
  IF jsonb_typeof(value) = 'object' THEN
    FOR field IN SELECT * FROM jsonb_each(value) LOOP
      IF field.key ~ '^(secret|secret_key|token|password|.+_secret)$' AND jsonb_typeof(field.value) = 'string' THEN
        result := result || jsonb_build_object(field.key, NULL, field.key || '_redacted', true);
      ELSE
        result := result || jsonb_build_object(field.key, pg_temp.mp_redact_secrets(field.value));
      END IF;
    END LOOP;
    RETURN result;
  ELSIF jsonb_typeof(value) = 'array' THEN
    RETURN coalesce(
      (SELECT jsonb_agg(pg_temp.mp_redact_secrets(element.value) ORDER BY element.position)
         FROM jsonb_array_elements(value) WITH ORDINALITY AS element(value, position)),
      '[]'::jsonb);
  END IF;
  RETURN value;
END $$;
--> statement-breakpoint
UPDATE "idempotency_keys"
   SET "response_body" = pg_temp.mp_redact_secrets(pg_temp.mp_try_jsonb("response_body"))::text
 WHERE "response_body" ~ '"(secret|secret_key|token|password|[^"]+_secret)"\s*:\s*"'
   AND pg_temp.mp_try_jsonb("response_body") IS NOT NULL
   AND pg_temp.mp_redact_secrets(pg_temp.mp_try_jsonb("response_body")) IS DISTINCT FROM pg_temp.mp_try_jsonb("response_body");
