ALTER TABLE "merchants" ADD COLUMN "negative_balance_limit" bigint;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "provider_attempt" jsonb;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "processing_reason" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "refunded_from_pending" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "pending_reason" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "provider_key" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "funding" jsonb;--> statement-breakpoint
CREATE INDEX "payments_attempt_idx" ON "payments" USING btree ("updated_at") WHERE provider_attempt is not null;--> statement-breakpoint
CREATE INDEX "refunds_pending_idx" ON "refunds" USING btree ("updated_at") WHERE status = 'pending';