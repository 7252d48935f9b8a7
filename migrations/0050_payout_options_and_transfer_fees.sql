ALTER TABLE "bank_transfers" ADD COLUMN "fee" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payout_schedules" ADD COLUMN "minimum_amounts" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "payout_schedules" ADD COLUMN "method" text DEFAULT 'standard' NOT NULL;--> statement-breakpoint
ALTER TABLE "payout_schedules" ADD COLUMN "delay_days" integer DEFAULT 0 NOT NULL;