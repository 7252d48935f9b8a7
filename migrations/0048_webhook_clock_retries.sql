ALTER TABLE "webhook_delivery_attempts" ADD COLUMN "test_clock_id" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "test_clock_id" text;--> statement-breakpoint
CREATE INDEX "webhook_attempts_clock_idx" ON "webhook_delivery_attempts" USING btree ("test_clock_id","scheduled_for") WHERE status = 'scheduled' and test_clock_id is not null;