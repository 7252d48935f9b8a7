ALTER TABLE "checkout_sessions" ADD COLUMN "subscription_data" jsonb;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD COLUMN "subscription_id" text;