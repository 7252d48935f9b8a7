-- An event of a merchant environment with no enabled webhook endpoint has nothing to deliver: it is
-- written as dispatched (at its own created_at, the time the dispatcher would have used), on every
-- path that writes events (statements, batches, the issuing functions). The request's after-response
-- dispatch then skips such environments (src/modules/webhooks/quiet-scopes.ts). An event written
-- while an endpoint exists stays undispatched, for the dispatcher or the webhook sweep.
CREATE OR REPLACE FUNCTION events_mark_unreceived() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.dispatched_at IS NULL AND NOT EXISTS (
    SELECT 1 FROM webhook_endpoints w
    WHERE w.merchant_id = NEW.merchant_id AND w.environment = NEW.environment
      AND w.enabled AND w.deleted_at IS NULL
  ) THEN
    NEW.dispatched_at := NEW.created_at;
  END IF;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER events_mark_unreceived BEFORE INSERT ON events
  FOR EACH ROW EXECUTE FUNCTION events_mark_unreceived();
